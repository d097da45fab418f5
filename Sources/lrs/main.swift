import ArgumentParser
import LRSEngine

LRSCommand.main()
