import FoundationEssentials
public import GridStore
import Description

/// One stored track, quantised into a fixed 64-byte record that the scan reads in place.
///
/// Layout (little-endian; two 16-byte blocks a SIMD16<UInt8> load reads whole):
///
/// | bytes | field |
/// |---|---|
/// | 0–11 | upper-body colour shares × 255, bin *i* = `ColourName(rawValue: i)` |
/// | 12–13 | upper-body pixels (UInt16, saturating) |
/// | 14 | lower-body visibility × 255 |
/// | 15 | relative height × 100 (0 = unknown) |
/// | 16–27 | lower-body colour shares × 255 |
/// | 28–29 | lower-body pixels (UInt16, saturating) |
/// | 30 | speed × 40 (body heights per second) |
/// | 31 | heading × 256 / 360 |
/// | 32–39 | track id in the grid database (Int64) |
/// | 40–47 | last seen, milliseconds since 1970 UTC (Int64) |
/// | 48–51 | last seen − first seen, milliseconds (UInt32) |
/// | 52–55 | best view − first seen, milliseconds (UInt32) |
/// | 56–57 | camera number in the index's camera list (UInt16) |
/// | 58–59 | seconds spent still × 10 (UInt16) |
/// | 60–63 | FNV-1a 32 of bytes 0–59: a torn or zeroed record never passes |
///
/// The grid database row stays the source of truth: ranking uses these quantised values, the
/// final scores are recomputed from the rows.
public struct DescriptorRecord: Sendable, Hashable {
    public static let size = 64

    public var upper: SIMD16<UInt8>  // lanes 0…11 shares, 12…15 zero
    public var upperPixels: UInt16
    public var lower: SIMD16<UInt8>
    public var lowerPixels: UInt16
    public var lowerVisibility: UInt8
    public var relativeHeight: UInt8
    public var speed: UInt8
    public var heading: UInt8
    public var trackID: Int64
    public var lastSeenMS: Int64
    public var durationMS: UInt32
    public var bestOffsetMS: UInt32
    public var camera: UInt16
    public var loiterDeciseconds: UInt16

    public var firstSeenMS: Int64 { lastSeenMS - Int64(durationMS) }

    /// A record from already-quantised values (the synthetic benchmark's generator).
    public init(
        upper: SIMD16<UInt8>, upperPixels: UInt16, lower: SIMD16<UInt8>, lowerPixels: UInt16, lowerVisibility: UInt8,
        relativeHeight: UInt8, speed: UInt8 = 0, heading: UInt8 = 0, trackID: Int64, lastSeenMS: Int64, durationMS: UInt32,
        bestOffsetMS: UInt32 = 0, camera: UInt16, loiterDeciseconds: UInt16 = 0
    ) {
        var u = upper, l = lower
        for i in 12..<16 {
            u[i] = 0
            l[i] = 0
        }
        self.upper = u
        self.lower = l
        self.upperPixels = upperPixels
        self.lowerPixels = lowerPixels
        self.lowerVisibility = lowerVisibility
        self.relativeHeight = relativeHeight
        self.speed = speed
        self.heading = heading
        self.trackID = trackID
        self.lastSeenMS = lastSeenMS
        self.durationMS = durationMS
        self.bestOffsetMS = bestOffsetMS
        self.camera = camera
        self.loiterDeciseconds = loiterDeciseconds
    }

    /// Quantises a saved track (which must have an id) seen by camera number `camera`.
    public init(_ track: StoredTrack, camera: UInt16) {
        let d = track.descriptor
        func shares(_ h: ColourHistogram) -> SIMD16<UInt8> {
            var v = SIMD16<UInt8>.zero
            for i in 0..<ColourName.allCases.count { v[i] = Self.byte(h.bins[i] * 255) }
            return v
        }
        upper = shares(d.upper)
        lower = shares(d.lower)
        upperPixels = UInt16(clamping: d.upper.pixels)
        lowerPixels = UInt16(clamping: d.lower.pixels)
        lowerVisibility = Self.byte(d.lowerVisibility * 255)
        relativeHeight = d.relativeHeight.map { max(1, Self.byte($0 * 100)) } ?? 0
        speed = Self.byte(d.speed * 40)
        var h = d.heading.isFinite ? d.heading.truncatingRemainder(dividingBy: 360) : 0
        if h < 0 { h += 360 }
        heading = UInt8(truncatingIfNeeded: Int((h * 256 / 360).rounded()) & 255)
        trackID = track.id ?? 0
        let last = Self.milliseconds(track.lastSeenAt)
        lastSeenMS = last
        durationMS = UInt32(clamping: max(0, last - Self.milliseconds(track.firstSeenAt)))
        let bestOffset = d.bestTime - d.firstSeen
        bestOffsetMS = bestOffset.isFinite ? UInt32(clamping: Int64((max(0, bestOffset) * 1000).rounded())) : 0
        self.camera = camera
        loiterDeciseconds = d.loiterSeconds.isFinite ? UInt16(clamping: Int((max(0, d.loiterSeconds) * 10).rounded())) : 0
    }

    /// Reads the record at `bytes` (64 bytes); `nil` when its checksum does not match.
    public init?(bytes: UnsafeRawPointer) {
        guard Self.isValid(bytes) else { return nil }
        upper = bytes.loadUnaligned(fromByteOffset: 0, as: SIMD16<UInt8>.self)
        lower = bytes.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
        upperPixels = UInt16(upper[12]) | UInt16(upper[13]) << 8
        lowerVisibility = upper[14]
        relativeHeight = upper[15]
        lowerPixels = UInt16(lower[12]) | UInt16(lower[13]) << 8
        speed = lower[14]
        heading = lower[15]
        for i in 12..<16 {
            upper[i] = 0
            lower[i] = 0
        }
        trackID = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 32, as: Int64.self))
        lastSeenMS = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 40, as: Int64.self))
        durationMS = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 48, as: UInt32.self))
        bestOffsetMS = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 52, as: UInt32.self))
        camera = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 56, as: UInt16.self))
        loiterDeciseconds = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 58, as: UInt16.self))
    }

    /// Writes the 64 bytes, checksum included, at `bytes`.
    public func write(to bytes: UnsafeMutableRawPointer) {
        var a = upper, b = lower
        a[12] = UInt8(truncatingIfNeeded: upperPixels)
        a[13] = UInt8(truncatingIfNeeded: upperPixels >> 8)
        a[14] = lowerVisibility
        a[15] = relativeHeight
        b[12] = UInt8(truncatingIfNeeded: lowerPixels)
        b[13] = UInt8(truncatingIfNeeded: lowerPixels >> 8)
        b[14] = speed
        b[15] = heading
        bytes.storeBytes(of: a, toByteOffset: 0, as: SIMD16<UInt8>.self)
        bytes.storeBytes(of: b, toByteOffset: 16, as: SIMD16<UInt8>.self)
        bytes.storeBytes(of: trackID.littleEndian, toByteOffset: 32, as: Int64.self)
        bytes.storeBytes(of: lastSeenMS.littleEndian, toByteOffset: 40, as: Int64.self)
        bytes.storeBytes(of: durationMS.littleEndian, toByteOffset: 48, as: UInt32.self)
        bytes.storeBytes(of: bestOffsetMS.littleEndian, toByteOffset: 52, as: UInt32.self)
        bytes.storeBytes(of: camera.littleEndian, toByteOffset: 56, as: UInt16.self)
        bytes.storeBytes(of: loiterDeciseconds.littleEndian, toByteOffset: 58, as: UInt16.self)
        bytes.storeBytes(of: Self.checksum(UnsafeRawPointer(bytes)).littleEndian, toByteOffset: 60, as: UInt32.self)
    }

    /// FNV-1a 32 over bytes 0–59.
    static func checksum(_ bytes: UnsafeRawPointer) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for i in 0..<60 {
            h = (h ^ UInt32(bytes.load(fromByteOffset: i, as: UInt8.self))) &* 0x0100_0193
        }
        return h
    }

    static func isValid(_ bytes: UnsafeRawPointer) -> Bool {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 60, as: UInt32.self)) == checksum(bytes)
    }

    static func byte(_ x: Float) -> UInt8 {
        guard x.isFinite else { return 0 }
        return UInt8(clamping: Int(x.rounded()))
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
