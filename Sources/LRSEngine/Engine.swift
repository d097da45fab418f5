import LRSLanguage
import LRSOptim
import LRSRuntime

/// The version of the language contract this engine implements.
public let languageVersion = 1
