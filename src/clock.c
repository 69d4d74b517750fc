/* clock.c - the one monotonic clock of porttop */
#include "config.h"
#include "clock.h"

#include <time.h>

double clock_now(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer (Linux) */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
