/// One timed APDU exchange: when it started and ended, and what came back.
///
/// Codes (`step`, `kind`, `phase`) are small integers the caller defines, so recording stores
/// plain numbers and never formats or allocates.
public struct APDUSample: Sendable, Hashable {
    public var step: UInt16
    public var kind: UInt8
    public var phase: UInt8
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    /// SW1 SW2, or 0 when the exchange failed before a status word arrived.
    public var statusWord: UInt16
    /// Raw round trips the exchange took (1, or more with GET RESPONSE / wrong-Le resends).
    public var roundTrips: UInt16

    @inlinable
    public init(
        step: UInt16, kind: UInt8, phase: UInt8, startNanoseconds: UInt64, endNanoseconds: UInt64, statusWord: UInt16,
        roundTrips: UInt16
    ) {
        self.step = step
        self.kind = kind
        self.phase = phase
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
        self.statusWord = statusWord
        self.roundTrips = roundTrips
    }

    @inlinable public var durationNanoseconds: UInt64 { endNanoseconds &- startNanoseconds }
}

/// One timed phase of an iteration.
public struct PhaseSample: Sendable, Hashable {
    public var phase: UInt8
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64

    @inlinable
    public init(phase: UInt8, startNanoseconds: UInt64, endNanoseconds: UInt64) {
        self.phase = phase
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
    }

    @inlinable public var durationNanoseconds: UInt64 { endNanoseconds &- startNanoseconds }
}

/// Where the measured path writes its timestamps: storage reserved before the run, filled during
/// an iteration without allocating or formatting, read and cleared between iterations.
///
/// If an iteration needs more room than reserved (a card answering with endless GET RESPONSE),
/// recording stops adding samples rather than allocating mid-measurement, and
/// ``droppedSamples`` says how many were lost.
public struct IterationRecorder: Sendable {
    @usableFromInline var apduStorage: [APDUSample]
    @usableFromInline var phaseStorage: [PhaseSample]
    @usableFromInline var dropped = 0
    @usableFromInline let apduCapacity: Int
    @usableFromInline let phaseCapacity: Int

    /// The APDUs of the current iteration, in order.
    public var apdus: [APDUSample] { apduStorage }
    /// The phases of the current iteration, in order.
    public var phases: [PhaseSample] { phaseStorage }
    /// Samples that did not fit the reserved storage.
    public var droppedSamples: Int { dropped }

    public init(apduCapacity: Int, phaseCapacity: Int) {
        self.apduCapacity = apduCapacity
        self.phaseCapacity = phaseCapacity
        apduStorage = []
        phaseStorage = []
        apduStorage.reserveCapacity(apduCapacity)
        phaseStorage.reserveCapacity(phaseCapacity)
    }

    /// Clears the samples, keeping the storage.
    public mutating func reset() {
        apduStorage.removeAll(keepingCapacity: true)
        phaseStorage.removeAll(keepingCapacity: true)
        dropped = 0
    }

    @inlinable @inline(__always)
    public mutating func record(_ sample: APDUSample) {
        if apduStorage.count < apduCapacity { apduStorage.append(sample) } else { dropped &+= 1 }
    }

    @inlinable @inline(__always)
    public mutating func record(_ sample: PhaseSample) {
        if phaseStorage.count < phaseCapacity { phaseStorage.append(sample) } else { dropped &+= 1 }
    }
}
