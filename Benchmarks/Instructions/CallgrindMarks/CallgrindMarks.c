#include "CallgrindMarks.h"

/* Without valgrind's headers the marks do nothing; scripts/instructions needs them (Debian's
   valgrind package ships them) and says so when they are missing. */
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>

void rbic_begin(void) { CALLGRIND_ZERO_STATS; }

void rbic_end(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
#else
void rbic_begin(void) {}

void rbic_end(const char *name) { (void)name; }
#endif
