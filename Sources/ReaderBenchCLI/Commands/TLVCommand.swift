import ArgumentParser

struct TLVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tlv", abstract: "Decode BER-TLV or DER and print its tree.")
}
