// libusb-1.0, for reading reader descriptors (vendor/product id, bcdDevice) where PC/SC hides them.
#include <libusb.h>
