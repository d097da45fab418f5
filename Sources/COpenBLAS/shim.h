// Debian's libopenblas-dev: the CBLAS declarations (enums and prototypes).
#include <cblas.h>
