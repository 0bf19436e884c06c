import CCID
import CCIDFixtures
import Testing

/// The value of a CCID class descriptor field, by its specification name, as the module parsed it.
func parsedValue(_ descriptor: CCIDClassDescriptor, _ name: String) -> UInt32? {
    switch name {
    case "bLength": UInt32(CCIDClassDescriptor.length)
    case "bDescriptorType": UInt32(descriptor.descriptorType)
    case "bcdCCID": UInt32(descriptor.ccidRelease.rawValue)
    case "bMaxSlotIndex": UInt32(descriptor.maxSlotIndex)
    case "bVoltageSupport": UInt32(descriptor.voltageSupport.rawValue)
    case "dwProtocols": descriptor.protocols.rawValue
    case "dwDefaultClock": descriptor.defaultClockKHz
    case "dwMaximumClock": descriptor.maximumClockKHz
    case "bNumClockSupported": UInt32(descriptor.clockFrequencyCount)
    case "dwDataRate": descriptor.dataRate
    case "dwMaxDataRate": descriptor.maxDataRate
    case "bNumDataRatesSupported": UInt32(descriptor.dataRateCount)
    case "dwMaxIFSD": descriptor.maxIFSD
    case "dwSynchProtocols": descriptor.synchronousProtocols
    case "dwMechanical": descriptor.mechanical
    case "dwFeatures": descriptor.features.rawValue
    case "dwMaxCCIDMessageLength": descriptor.maxMessageLength
    case "bClassGetResponse": UInt32(descriptor.classGetResponse)
    case "bClassEnvelope": UInt32(descriptor.classEnvelope)
    case "wLcdLayout": UInt32(descriptor.lcdLayout)
    case "bPINSupport": UInt32(descriptor.pinSupport.rawValue)
    case "bMaxCCIDBusySlots": UInt32(descriptor.maxBusySlots)
    default: nil
    }
}

/// The value of an interface descriptor field, by its specification name, as the module parsed it.
func parsedValue(_ interface: USBInterface, _ name: String) -> UInt32? {
    switch name {
    case "bLength": 9
    case "bDescriptorType": UInt32(USBConfiguration.interfaceDescriptorType)
    case "bInterfaceNumber": UInt32(interface.number)
    case "bAlternateSetting": UInt32(interface.alternateSetting)
    case "bNumEndpoints": UInt32(interface.endpointCount)
    case "bInterfaceClass": UInt32(interface.interfaceClass.rawValue)
    case "bInterfaceSubClass": UInt32(interface.subClass)
    case "bInterfaceProtocol": UInt32(interface.interfaceProtocol)
    default: nil
    }
}

/// The one dump with this file name.
func dump(_ name: String) throws -> ReaderDump {
    try ReaderDataset.dump(name)
}

/// The CCID class descriptor of a dump's block, rebuilt and parsed.
func parsedCCID(_ block: InterfaceBlock) throws -> CCIDClassDescriptor {
    try CCIDClassDescriptor(bytes: DescriptorBytes.ccid(block))
}
