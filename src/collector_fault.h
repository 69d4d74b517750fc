/* collector_fault.h - the collector's test hook: PORTTOP_FAULT makes reads
 * of a dump fail or come back damaged (HACKING.md) */
#ifndef PORTTOP_COLLECTOR_FAULT_H
#define PORTTOP_COLLECTOR_FAULT_H

#include <stdbool.h>

/* The test hook:
 * PORTTOP_FAULT=recv:N[-M|+]:WHAT[,tcp|udp:ENOENT][,tcp:EOPNOTSUPP] */
enum { FAULT_DUMP_INTR = -1, FAULT_SEQ = -2 };

struct fault {
	unsigned long from, to;	/* reads from..to (from 1) are hit; 0: none */
	int what;		/* an errno, or FAULT_DUMP_INTR / FAULT_SEQ */
	unsigned noproto;	/* COLLECT_TCP/UDP: answered as if no module */
	bool nocompat;		/* TCPDIAG_GETSOCK answered as if unknown */
};

/* Parse spec (NULL or "": no fault) into f: 0, or -EINVAL. */
int collector_fault_parse(struct fault *f, const char *spec);

#endif
