// What both fuzz targets' custom mutators use.

/// libFuzzer's own byte-level mutation of `data` (in place, up to `maxSize`
/// bytes); returns the new size.
@_silgen_name("LLVMFuzzerMutate")
public func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// SplitMix64: a small deterministic generator seeded by libFuzzer.
public struct SplitMix: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
