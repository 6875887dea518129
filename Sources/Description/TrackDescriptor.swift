public import Detection

/// What Kinfinder knows about one person seen by one camera: the unit that is matched against
/// missing-person reports, stored in the grid database and searched later.
///
/// Times are seconds on the camera's clock (presentation time for a clip); the pipeline that owns
/// the camera turns them into wall-clock time when it stores the descriptor.
public struct TrackDescriptor: Sendable, Hashable, Codable {
    /// Track number, unique within one run of one camera pipeline.
    public var trackID: Int
    public var firstSeen: Double
    public var lastSeen: Double
    /// Colour names of the upper body (shoulders to waist) on foreground pixels.
    public var upper: ColourHistogram
    /// Colour names of the lower body (waist to ankles) on foreground pixels.
    public var lower: ColourHistogram
    /// How much of the lower body was actually in view, 0…1 (top-down views see little of it).
    public var lowerVisibility: Float
    /// Median box height in working-frame pixels.
    public var heightPixels: Float
    /// Median box height as a fraction of frame height.
    public var heightFraction: Float
    /// Height relative to an adult standing at the same place in the image (1 ≈ adult), when the
    /// camera's perspective model has seen enough people to say; `nil` otherwise.
    public var relativeHeight: Float?
    /// Median walking speed in body heights per second (≈ 0.7–0.9 for an adult walking).
    public var speed: Float
    /// Direction of travel in degrees in the image: 0 = right, 90 = down, 180 = left, 270 = up.
    public var heading: Float
    /// Seconds spent nearly still (loitering, sitting, waiting).
    public var loiterSeconds: Float
    /// Number of frames this person was detected in.
    public var observations: Int
    /// The box of the best view (largest unclipped box), in working-frame pixels.
    public var bestBox: Box
    /// Time of the best view.
    public var bestTime: Double

    public init(
        trackID: Int, firstSeen: Double, lastSeen: Double, upper: ColourHistogram, lower: ColourHistogram,
        lowerVisibility: Float, heightPixels: Float, heightFraction: Float, relativeHeight: Float?,
        speed: Float, heading: Float, loiterSeconds: Float, observations: Int, bestBox: Box, bestTime: Double
    ) {
        self.trackID = trackID
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.upper = upper
        self.lower = lower
        self.lowerVisibility = lowerVisibility
        self.heightPixels = heightPixels
        self.heightFraction = heightFraction
        self.relativeHeight = relativeHeight
        self.speed = speed
        self.heading = heading
        self.loiterSeconds = loiterSeconds
        self.observations = observations
        self.bestBox = bestBox
        self.bestTime = bestTime
    }
}
