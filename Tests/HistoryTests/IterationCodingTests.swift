import History
import Results
import RunModel
import Testing

@Suite struct IterationCodingTests {
    @Test func placeholder() {}
}
