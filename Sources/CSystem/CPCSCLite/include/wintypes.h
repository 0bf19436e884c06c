// Forwards to pcsc-lite's own header (see pcsclite.h beside this file for why).
#include <PCSC/wintypes.h>
