/* test_clock.c - the one monotonic clock: CLOCK_MONOTONIC, in seconds */
#include "config.h"

#include <criterion/criterion.h>
#include <time.h>

#include "clock.h"

static double mono(clockid_t id)
{
	struct timespec ts;

	cr_assert_eq(clock_gettime(id, &ts), 0);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(clock, reads_the_monotonic_clock_in_seconds)
{
	double before = mono(CLOCK_MONOTONIC);
	double now = clock_now();
	double after = mono(CLOCK_MONOTONIC);

	/* between two readings of CLOCK_MONOTONIC, so neither the wall
	 * clock (decades away) nor another unit (ms, ns) */
	cr_assert(now >= before && now <= after, "%f not in [%f, %f]", now,
		  before, after);
}

Test(clock, keeps_the_fraction_of_a_second)
{
	struct timespec pause = { 0, 30 * 1000 * 1000 };
	double t0 = clock_now(), t1;

	nanosleep(&pause, NULL);
	t1 = clock_now();
	/* 30 ms later: whole seconds only would read 0 or 1 */
	cr_assert(t1 - t0 >= 0.030, "%f", t1 - t0);
	cr_assert(t1 - t0 < 5.0, "%f", t1 - t0);
}
