@testable import TapedeckConfig

/// One fuzz input is the bytes of a configuration file (what load(path:) reads).
/// Checked besides "never traps": an error is one line, and an accepted configuration
/// renders (tomlText) to a file that reads back to an equal value.
enum ConfigFuzz {
    static func test(_ bytes: [UInt8]) {
        let configuration: TapedeckConfiguration
        do { configuration = try TapedeckConfiguration.parse(bytes: bytes, source: "fuzz.toml") } catch {
            guard !error.description.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
                fatalError("error is not one line: \(error.description.debugDescription)")
            }
            return
        }
        let text = configuration.tomlText()
        let again: TapedeckConfiguration
        do { again = try TapedeckConfiguration.parse(text: text, source: "rendered.toml") } catch {
            fatalError("an accepted configuration renders to a file that is refused: \(error)\n\(text)")
        }
        guard again == configuration else { fatalError("rendering does not read back equal:\n\(text)") }
    }
}
