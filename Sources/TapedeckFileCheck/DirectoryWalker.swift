import TapedeckSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the audio files under the paths given to `tapedeck validate`.
/// A path that is a file is always yielded; in a directory, files whose
/// extension is in `FileInspector.audioExtensions` are yielded in name
/// order, and subdirectories are entered when `recursive` is set. Symbolic
/// links to directories are not followed (no loops). Memory is bounded by
/// the names of one directory per level being walked, not by the tree.
public struct DirectoryWalker: Sendable {
    public enum Entry: Sendable, Equatable {
        case file(String)
        /// A directory that could not be read, with the reason in words.
        case error(path: String, message: String)
    }

    public let recursive: Bool
    public let extensions: Set<String>

    public init(recursive: Bool, extensions: Set<String> = FileInspector.audioExtensions) {
        self.recursive = recursive
        self.extensions = extensions
    }

    public func walk(_ root: String, _ body: (Entry) throws -> Void) rethrows {
        guard isDirectory(root, followLinks: true) else {
            try body(.file(root))
            return
        }
        // Each level: the directory's path and its subdirectories still to visit.
        var stack: [(path: String, subdirs: ArraySlice<String>)] = []
        if let subdirs = try visit(root, body) { stack.append((root, subdirs)) }
        while !stack.isEmpty {
            let top = stack.count - 1
            guard let name = stack[top].subdirs.first else {
                stack.removeLast()
                continue
            }
            stack[top].subdirs = stack[top].subdirs.dropFirst()
            let child = join(stack[top].path, name)
            if let subdirs = try visit(child, body) { stack.append((child, subdirs)) }
        }
    }

    /// Yields the audio files of one directory; returns its subdirectories
    /// (when recursive), or nil when it could not be read.
    private func visit(_ dir: String, _ body: (Entry) throws -> Void) rethrows -> ArraySlice<String>? {
        guard let names = FileSystem.names(in: dir) else {
            try body(.error(path: dir, message: "cannot read directory \(dir): \(String(cString: strerror(errno)))"))
            return nil
        }
        var subdirs: [String] = []
        for name in names {
            let path = join(dir, name)
            guard case .success(let st) = FileStatus.of(path, followLinks: false) else { continue }
            let type = st.type
            if type == S_IFDIR {
                if recursive { subdirs.append(name) }
            } else if type == S_IFREG || (type == S_IFLNK && isRegularFile(path)) {
                if extensions.contains(FileInspector.fileExtension(name)) { try body(.file(path)) }
            }
        }
        return subdirs[...]
    }

    private func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    private func isDirectory(_ path: String, followLinks: Bool) -> Bool {
        (try? FileStatus.of(path, followLinks: followLinks).get())?.isDirectory ?? false
    }

    private func isRegularFile(_ path: String) -> Bool {
        (try? FileStatus.of(path).get())?.isRegularFile ?? false
    }
}
