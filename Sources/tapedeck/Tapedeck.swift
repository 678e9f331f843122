import ArgumentParser

@main
struct Tapedeck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tapedeck",
        abstract: "Tapedeck: call recording on ALSA capture devices.",
        discussion: "A one-shot recorder, and tools for the recordings Tapedeck writes.",
        subcommands: [Record.self, Validate.self, Repair.self, Verify.self, Login.self, Logout.self, Status.self, Start.self, Stop.self, Stereo.self, Events.self, Send.self, Metrics.self, Health.self, Webhooks.self]
    )
}
