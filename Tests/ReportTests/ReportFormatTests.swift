import Report
import Testing

@Suite struct ReportFormatTests {
    @Test func placeholder() {}
}
