// pcsc-lite's public headers. On Linux DWORD and LONG are 64-bit (unsigned long / long):
// they come from these headers and are never redeclared in Swift.
#include <PCSC/winscard.h>
#include <PCSC/reader.h>
#include <PCSC/pcsclite.h>
