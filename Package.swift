// swift-tools-version:6.0
import PackageDescription

// Target map (a newcomer should find any behaviour from these names):
//   TapedeckVocabulary      the shared vocabulary, one home per rule (standard library only): stage,
//                           filename templates, audio formats and the MPEG/MP3 tables, end causes,
//                           field rules (station names, addresses, URLs, control characters),
//                           CRC-16, the JSON value, escaper and reader
//   CALSA, CSndFile, CLame  system-library shims; imported only by TapedeckAudio
//   CSyscalls               declarations of the GNU-only calls (syncfs, gettid); imported only by TapedeckSystem
//   TapedeckSystem          the one typed syscall layer (swift-system's FileDescriptor/Errno/FilePath, plus
//                           poll, flock, sockets, fsync/syncfs, modes, the monotonic clock, statvfs,
//                           a thread's nice value)
//   TapedeckAudio           capture (ALSA), history ring, mixing, WAV/MP3 writers, the record pipeline
//   TapedeckEngine          the recording engine: devices and their rings (Topology/, reloads), what
//                           happens when a device disappears (DeviceLoss/), the writer threads and how
//                           files are finalised or salvaged (Writers/); no domain types
//   TapedeckLifecycle       ServiceGroup (start in order, stop in reverse) and StoppableThread
//   TapedeckFileCheck       offline WAV/RF64/MP3 validation and repair, pure Swift, no audio library
//   TapedeckDomain          agents, stations, recordings and what each command does (pure Swift: the
//                           backend, log, spool names, scheduler and clock are injected); the commands
//                           it takes (Commands/), the replies, errors, snapshots and events it returns
//                           (Results/), and how it names files (Naming/); no wire format
//   TapedeckControl         the control protocol as pure parse/render code (no I/O): request lines into
//                           the domain's commands, its replies into text lines (Reply+Text.swift, e.g.
//                           STATUS's line) and JSON (Reply+JSON.swift), events into JSON
//   TapedeckConfig          the configuration file (TOML): parsing and validation
//   TapedeckLog             the recording log (SQLite through GRDB), its hash chain and its webhook outbox
//   CCurl                   system-library shim for libcurl; imported only by TapedeckWebhooks
//   TapedeckWebhooks        webhook endpoints, signed bodies, backoff, the delivery worker (libcurl)
//   TapedeckService         systemd integration: sd_notify, watchdog, journald log lines
//   TapedeckDaemon          tapedeckd's wiring: the engine as the domain's backend, control socket, events
//   tapedeckd               the daemon executable
//   tapedeck                the command-line tool (its client commands speak the protocol through TapedeckControl)
let package = Package(
    name: "Tapedeck",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tapedeck", targets: ["tapedeck"]),
        .executable(name: "tapedeckd", targets: ["tapedeckd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .systemLibrary(name: "CALSA", pkgConfig: "alsa",
                       providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CLame", pkgConfig: "lame",
                       providers: [.apt(["libmp3lame-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSyscalls"),
        .target(name: "TapedeckSystem", dependencies: [
            "CSyscalls", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(
            name: "TapedeckAudio",
            dependencies: [
                "TapedeckVocabulary", "CALSA", "CSndFile", "CLame", "TapedeckSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "TapedeckVocabulary"),
        .target(name: "TapedeckFileCheck", dependencies: ["TapedeckVocabulary", "TapedeckSystem"]),
        .target(name: "TapedeckLifecycle"),
        .target(
            name: "TapedeckEngine",
            dependencies: [
                "TapedeckAudio", "TapedeckFileCheck", "TapedeckLifecycle", "TapedeckVocabulary", "TapedeckSystem",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TapedeckDomain", dependencies: ["TapedeckVocabulary"]),
        .target(name: "TapedeckControl", dependencies: ["TapedeckVocabulary", "TapedeckDomain"]),
        .target(name: "TapedeckConfig", dependencies: [
            "TapedeckVocabulary", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "TapedeckLog", dependencies: [
            "TapedeckVocabulary",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(
            name: "TapedeckWebhooks",
            dependencies: [
                "CCurl", "TapedeckControl", "TapedeckLog",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TapedeckService", dependencies: [
            "TapedeckSystem", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(
            name: "TapedeckDaemon",
            dependencies: [
                "TapedeckAudio", "TapedeckEngine", "TapedeckLifecycle", "TapedeckControl", "TapedeckDomain",
                "TapedeckConfig", "TapedeckLog", "TapedeckFileCheck", "TapedeckWebhooks", "TapedeckSystem",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "tapedeckd",
            dependencies: [
                "TapedeckDaemon", "TapedeckConfig", "TapedeckService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "tapedeck",
            dependencies: [
                "TapedeckAudio",
                "TapedeckSystem",
                "TapedeckControl",
                "TapedeckFileCheck",
                "TapedeckConfig",
                "TapedeckLog",
                "TapedeckVocabulary",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test helpers: an independent WAV reader, tone analysis, subprocesses, ALSA
        // configurations and a private PulseAudio server.
        .target(name: "TapedeckTestSupport", path: "Tests/Support"),
        .testTarget(
            name: "TapedeckVocabularyTests",
            dependencies: ["TapedeckVocabulary"]
        ),
        .testTarget(
            name: "TapedeckSystemTests",
            dependencies: ["TapedeckSystem", "TapedeckTestSupport"]
        ),
        .testTarget(
            name: "TapedeckAudioTests",
            dependencies: ["TapedeckAudio", "TapedeckVocabulary", "TapedeckSystem", "TapedeckTestSupport"]
        ),
        .testTarget(
            name: "TapedeckEngineTests",
            dependencies: ["TapedeckEngine", "TapedeckAudio", "TapedeckFileCheck", "TapedeckSystem", "TapedeckVocabulary", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "TapedeckLifecycleTests",
            dependencies: ["TapedeckLifecycle"]
        ),
        .testTarget(
            name: "TapedeckFileCheckTests",
            dependencies: ["TapedeckFileCheck", "TapedeckVocabulary"]
        ),
        .testTarget(
            name: "TapedeckControlTests",
            dependencies: ["TapedeckControl"]
        ),
        // The domain's rules on fakes (backend, store, scheduler, spool names): no daemon, no audio,
        // no protocol (it does not import TapedeckControl).
        .testTarget(
            name: "TapedeckDomainTests",
            dependencies: ["TapedeckDomain", "TapedeckVocabulary"]
        ),
        .testTarget(
            name: "TapedeckConfigTests",
            dependencies: ["TapedeckConfig", "TapedeckVocabulary"]
        ),
        .testTarget(
            name: "TapedeckLogTests",
            dependencies: ["TapedeckLog", "TapedeckVocabulary"]
        ),
        .testTarget(
            name: "TapedeckWebhooksTests",
            dependencies: ["TapedeckWebhooks", "TapedeckLog", "TapedeckControl", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "TapedeckDaemonTests",
            dependencies: ["TapedeckDaemon"]
        ),
        .testTarget(
            name: "TapedeckServiceTests",
            dependencies: ["TapedeckService", "TapedeckTestSupport"]
        ),
        // End-to-end tests: run the built `tapedeck` binary against real ALSA
        // devices (file plugin, PulseAudio null sinks) defined by the tests.
        .testTarget(
            name: "TapedeckIntegrationTests",
            dependencies: ["tapedeck", "tapedeckd", "TapedeckAudio", "TapedeckLog", "TapedeckTestSupport"]
        ),
    ]
)

// Fuzz targets (Fuzz/<name>/ with its seed corpus, libFuzzer): declared only when
// scripts/fuzz builds them (TAPEDECK_FUZZ=1, -sanitize=fuzzer), never by `swift build`.
if Context.environment["TAPEDECK_FUZZ"] != nil {
    func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzDriver"] + dependencies,
                          path: "Fuzz/\(name)", exclude: ["corpus", "dictionary"])
    }
    package.targets += [
        .target(name: "FuzzDriver", path: "Fuzz/Driver"),
        .target(name: "FileCheckFuzz", dependencies: ["TapedeckFileCheck"], path: "Fuzz/FileCheckFuzz"),
        fuzzTarget("request", ["TapedeckControl"]),
        fuzzTarget("json", ["TapedeckControl"]),
        fuzzTarget("config", ["TapedeckConfig"]),
        fuzzTarget("wav", ["FileCheckFuzz"]),
        fuzzTarget("mp3", ["FileCheckFuzz"]),
    ]
}
