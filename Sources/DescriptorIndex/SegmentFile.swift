#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Low-level file operations of the index: append-only segment files of 64-byte records, read
/// through `mmap`. All unsafe pointer and POSIX code of the index lives here and in the scan kernel.
enum SegmentFile {
    /// Appends made in one go are at most this many records, and only the last append of a file
    /// can be torn by a crash (each append is fsynced before the watermark moves): so checking the
    /// last `tailCheck` records finds any torn write.
    static let tailCheck = 4096

    /// Opens (creating) `path` for appending, after cutting off a torn tail. Returns the descriptor
    /// and the number of valid records.
    static func openForAppend(_ path: String) throws -> (fd: Int32, records: Int) {
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.io("cannot open \(path)", errno) }
        do {
            let size = try fileSize(fd, path)
            let valid = try withMapping(fd, bytes: size, path: path) { base in validRecords(base, bytes: size) }
            if valid * DescriptorRecord.size != size {
                guard ftruncate(fd, off_t(valid * DescriptorRecord.size)) == 0 else {
                    throw IndexError.io("cannot cut the torn tail of \(path)", errno)
                }
            }
            return (fd, valid)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Writes all of `bytes` at the end of the file and makes them durable.
    static func append(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw IndexError.io("cannot append to \(path)", errno)
            }
            offset += n
        }
        guard fsync(fd) == 0 else { throw IndexError.io("cannot flush \(path)", errno) }
    }

    static func fileSize(_ fd: Int32, _ path: String) throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IndexError.io("cannot read the size of \(path)", errno) }
        return Int(st.st_size)
    }

    /// Number of records in `bytes` bytes at `base` before the first bad one in the last
    /// `tailCheck` records (a partial last record never counts).
    static func validRecords(_ base: UnsafeRawPointer?, bytes: Int) -> Int {
        let count = bytes / DescriptorRecord.size
        guard let base, count > 0 else { return 0 }
        let start = max(0, count - tailCheck)
        for i in start..<count where !DescriptorRecord.isValid(base + i * DescriptorRecord.size) {
            return i
        }
        return count
    }

    /// Runs `body` on a read-only mapping of the first `bytes` bytes (`nil` when empty).
    static func withMapping<T>(_ fd: Int32, bytes: Int, path: String, _ body: (UnsafeRawPointer?) throws -> T) throws -> T {
        guard bytes > 0 else { return try body(nil) }
        let mapping = try Mapping(fd: fd, bytes: bytes, path: path)
        return try body(mapping.base)
    }

    /// A read-only shared mapping of a file's first bytes; unmapped on deinit.
    final class Mapping: @unchecked Sendable {
        let base: UnsafeRawPointer
        let bytes: Int

        init(fd: Int32, bytes: Int, path: String) throws {
            guard let p = mmap(nil, bytes, PROT_READ, MAP_SHARED | Self.populate, fd, 0), p != MAP_FAILED else {
                throw IndexError.io("cannot map \(path)", errno)
            }
            #if canImport(Glibc)
            _ = madvise(p, bytes, MADV_SEQUENTIAL)
            #endif
            base = UnsafeRawPointer(p)
            self.bytes = bytes
        }

        deinit { munmap(UnsafeMutableRawPointer(mutating: base), bytes) }

        /// Map the pages up front in one call rather than faulting them in one by one during the scan.
        #if canImport(Glibc)
        static let populate = MAP_POPULATE
        #else
        static let populate: Int32 = 0
        #endif
    }

    /// Opens `path` read-only and maps its valid records; `nil` when it holds none.
    static func map(_ path: String) throws -> (mapping: Mapping, records: Int)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw IndexError.io("cannot open \(path)", errno)
        }
        defer { close(fd) }
        let size = try fileSize(fd, path)
        guard size >= DescriptorRecord.size else { return nil }
        let mapping = try Mapping(fd: fd, bytes: size, path: path)
        let valid = validRecords(mapping.base, bytes: size)
        return valid > 0 ? (mapping, valid) : nil
    }

    /// An exclusive advisory lock on a file (`flock`), held until `unlock()` or deinit.
    final class Lock {
        private var fd: Int32

        /// Waits for the lock, polling every 20 ms so that no thread blocks inside `flock`.
        static func acquire(_ path: String) async throws -> Lock {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw IndexError.io("cannot open the lock file \(path)", errno) }
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK || errno == EINTR else {
                    let e = errno
                    close(fd)
                    throw IndexError.io("cannot lock \(path)", e)
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return Lock(fd: fd)
        }

        private init(fd: Int32) { self.fd = fd }

        func unlock() {
            guard fd >= 0 else { return }
            close(fd)  // closing releases the flock
            fd = -1
        }

        deinit { unlock() }
    }

    /// Replaces `path` atomically with `text` (temporary file, fsync, rename).
    static func replace(_ path: String, with text: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.io("cannot write \(temporary)", errno) }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { try append(fd, UnsafeRawBufferPointer($0), path: temporary) }
        guard rename(temporary, path) == 0 else { throw IndexError.io("cannot replace \(path)", errno) }
    }

    /// Appends a line and makes it durable.
    static func appendLine(_ path: String, _ line: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.io("cannot open \(path)", errno) }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        try bytes.withUnsafeBytes { try append(fd, $0, path: path) }
    }

    /// The file's text, or `nil` when it does not exist.
    static func read(_ path: String) throws -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw IndexError.io("cannot open \(path)", errno)
        }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IndexError.io("cannot read \(path)", errno)
            }
            if n == 0 { break }
            data += chunk[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw IndexError.io("cannot remove \(path)", errno) }
    }

    static func makeDirectory(_ path: String) throws {
        var partial = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            partial += "/" + part
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw IndexError.io("cannot create the folder \(partial)", errno)
            }
        }
    }

    /// Names of the entries of a folder.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw IndexError.io("cannot list \(path)", errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
