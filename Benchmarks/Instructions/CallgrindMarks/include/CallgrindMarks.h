/*
 * CallgrindMarks: where an instruction count starts and ends.
 *
 * Under `valgrind --tool=callgrind`, rbic_begin() zeroes the counters and rbic_end(name) writes
 * them to a dump of their own whose description is "Trigger: Client Request: name", so one run
 * yields one exact count per hot path without depending on symbol names (which the optimiser
 * merges, clones and inlines). Outside valgrind both are a handful of instructions that do
 * nothing. Kept in C because callgrind's client requests are inline-assembly macros.
 */
#ifndef CALLGRIND_MARKS_H
#define CALLGRIND_MARKS_H

/// Zeroes callgrind's counters (CALLGRIND_ZERO_STATS).
void rbic_begin(void);

/// Dumps the counters since rbic_begin() as `name` (CALLGRIND_DUMP_STATS_AT).
void rbic_end(const char *name);

#endif
