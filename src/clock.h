/* clock.h - the one monotonic clock of porttop */
#ifndef PORTTOP_CLOCK_H
#define PORTTOP_CLOCK_H

/* Seconds on CLOCK_MONOTONIC: for deadlines and durations, never for the
 * time of day (it does not jump when the wall clock is set). */
double clock_now(void);

#endif
