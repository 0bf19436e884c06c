// CCID: the USB descriptors of smart-card readers, read from bytes.
//
// Everything here is pure: descriptor bytes in, typed values out, and every rejection names the
// offset where the bytes stopped making sense. The USBDevices module does the I/O (libusb) and
// hands over the bytes in a `USBDeviceSnapshot`; tests hand over bytes built from the CCID
// driver project's reader descriptor dumps. Either way the same parser runs.
//
// MARK: - Map of the module
//
//   DescriptorError          one error type for every descriptor (code, offset, field)
//   CCIDClassDescriptor      the 54-byte CCID class descriptor (USB CCID rev 1.1 §5.1)
//   CCIDValues               its bit fields: protocols, voltages, features and exchange level, PIN support
//   USBDeviceDescriptor      the 18-byte device descriptor: ids, bcdDevice, string indexes
//   USBConfiguration         a configuration's descriptors walked into interfaces and endpoints,
//                            with the CCID class descriptor found where readers put it
//   USBStringDescriptor      string descriptors (UTF-16LE) and the language list
//   USBDeviceSnapshot        what one enumeration saw of one device (the seam between I/O and parsing),
//                            and `USBDevice`, its parsed view
//   USBValues                speeds, release numbers, class codes, libusb error codes
