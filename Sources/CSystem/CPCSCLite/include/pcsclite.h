// Forwards to pcsc-lite's own header. pcsc-lite's headers include each other without their
// directory (winscard.h: #include <pcsclite.h>), which pkg-config answers with
// -I/usr/include/PCSC -pthread; SwiftPM prohibits -pthread and warned on every clean build.
// This include/ directory is on the search path of every target that imports CPCSCLite, so
// these two forwarders stand in for that -I. Nothing is declared here.
#include <PCSC/pcsclite.h>
