import Foundation

/// Where the package's built executables are.
public enum Binaries {
    /// The build products directory (`.build/debug`), found from the test bundle's path.
    public static var productsDirectory: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("tapedeck").path) { return dir.path }
            if dir.lastPathComponent.hasSuffix(".xctest") { dir.deleteLastPathComponent() }
            else { break }
        }
        return dir.path
    }

    public static var tapedeck: String { productsDirectory + "/tapedeck" }
    public static var tapedeckd: String { productsDirectory + "/tapedeckd" }
}
