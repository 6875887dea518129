public import Foundation
import Ingest
public import Detection
public import Description

/// Clothing colours read from a family's photo of the missing person, with the same colour table
/// and sampler the cameras use, for the family to confirm.
///
/// Assumes a full-length photo with the person in the middle (what families are asked for): the
/// person's box is taken as the central 40 % of the width and 4–96 % of the height, and the
/// sampler's upper- and lower-body bands are read inside it. The same bands at the left and right
/// edges (20 % each) stand for the background: each colour's share there is taken off its share in
/// the middle, so the paving or lawn around the person does not come out as their clothes. A
/// close-up fills the upper band only, so its "lower" colours may be wrong: the answer is a
/// suggestion, never applied without the family's say.
public enum PhotoColours {
    public struct Result: Sendable {
        /// Colour names with their share of the band, largest first (shares ≥ 10 %).
        public var upper: [(name: ColourName, share: Float)]
        public var lower: [(name: ColourName, share: Float)]
        public var width: Int
        public var height: Int
    }

    /// Decodes the image file at `path` (JPEG, PNG, … anything FFmpeg reads) at 480 px wide.
    public static func extract(path: String, table: [UInt8]) throws -> Result {
        let source = try VideoSource(path, configuration: IngestConfiguration(workingWidth: 480))
        var frame = source.makeFrame()
        guard try source.read(into: &frame) else { throw KinfinderError.invalidArgument("the photo has no picture in it") }
        let w = frame.width, h = frame.height
        let maskWidth = (w + 1) / 2, maskHeight = (h + 1) / 2
        let mask = [UInt8](repeating: 1, count: maskWidth * maskHeight)
        let box = Box(x: Float(w) * 0.3, y: Float(h) * 0.04, width: Float(w) * 0.4, height: Float(h) * 0.92)
        // The box is already narrow: read it to its edges.
        var regions = ColourSampling()
        regions.sideMargin = 0
        let sampler = ColourSampler(table: table, regions: regions)
        func read(_ b: Box) -> ColourSample {
            sampler.sample(b, y: frame.y, u: frame.u, v: frame.v, width: w, height: h, mask: mask, maskWidth: maskWidth)
        }
        let middle = read(box)
        let left = read(Box(x: 0, y: box.y, width: Float(w) * 0.2, height: box.height))
        let right = read(Box(x: Float(w) * 0.8, y: box.y, width: Float(w) * 0.2, height: box.height))
        func person(_ centre: [Int], _ a: [Int], _ b: [Int]) -> [(name: ColourName, share: Float)] {
            let c = ColourHistogram(counts: centre).bins
            let edge = ColourHistogram(counts: zip(a, b).map { $0 + $1 }).bins
            let d = c - edge
            let zero = SIMD16<Float>(repeating: 0)
            let kept = d.replacing(with: zero, where: d .< zero)
            let total = kept.sum()
            guard total > 0.05 else { return [] }
            return ColourHistogram(bins: kept / total, pixels: 1).dominant(minimumShare: 0.1)
        }
        return Result(
            upper: person(middle.upper, left.upper, right.upper), lower: person(middle.lower, left.lower, right.lower), width: w,
            height: h)
    }

    /// The photo as workers are shown it: decoded (JPEG, PNG, …) at most `width` pixels wide and
    /// encoded again as JPEG, so nothing of the file but its picture is kept (no location or
    /// camera metadata).
    public static func keepable(path: String, width: Int = 720) throws -> (jpeg: [UInt8], width: Int, height: Int) {
        let source = try VideoSource(path, configuration: IngestConfiguration(workingWidth: width))
        var frame = source.makeFrame()
        guard try source.read(into: &frame) else { throw KinfinderError.invalidArgument("the photo has no picture in it") }
        let bytes = try JPEGEncoder(quality: 4, minimumHeight: 0).encode(width: frame.width, height: frame.height, y: frame.y, u: frame.u, v: frame.v)
        guard let size = JPEGSize.read(bytes) else { throw KinfinderError.invalidArgument("the photo could not be encoded again") }
        return (bytes, size.width, size.height)
    }
}
