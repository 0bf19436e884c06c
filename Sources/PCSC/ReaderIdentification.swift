import CardIdentity

extension PCSCCard {
    /// What PC/SC tells about the reader behind this connection: vendor attributes and, where
    /// the driver offers it, PC/SC part 10 `FEATURE_GET_TLV_PROPERTIES` (USB vendor and product
    /// id, firmware, largest APDU).
    ///
    /// Missing attributes are normal (vpcd offers none) and leave fields empty; only a failure
    /// of the connection itself throws.
    public func readerIdentity() throws(PCSCError) -> ReaderIdentity {
        let attributes = ReaderAttributes(
            vendorName: try attribute(.vendorName), ifdVersion: try attribute(.vendorIFDVersion),
            serialNumber: try attribute(.vendorIFDSerialNumber), channelID: try attribute(.channelID))
        return ReaderIdentity(name: readerName, attributes: attributes, tlvProperties: try tlvProperties())
    }

    /// The reader's part 10 features (`CM_IOCTL_GET_FEATURE_REQUEST`), or nil when it has none.
    public func features() throws(PCSCError) -> ReaderFeatures? {
        guard let response = try control(getFeatureRequestControlCode), !response.isEmpty else { return nil }
        return try? ReaderFeatures(featureRequestResponse: response)
    }

    /// The reader's TLV properties, or nil when it does not offer them.
    public func tlvProperties() throws(PCSCError) -> ReaderTLVProperties? {
        guard let code = try features()?[.getTLVProperties], let response = try control(UInt(code)) else { return nil }
        return try? ReaderTLVProperties(bytes: response)
    }
}
