/* owners_signal.h - signal a holder, and only the process that was seen */
#ifndef PORTTOP_OWNERS_SIGNAL_H
#define PORTTOP_OWNERS_SIGNAL_H

/* Send sig to pid if it is still the process that started at start_time
 * (clock ticks after boot, as in /proc/PID/stat under proc_root). The
 * process is pinned with a pidfd before the check, so a pid reused after
 * it cannot get the signal. Returns 0; -ENOENT if the process is gone (or
 * its start time cannot be read); -ESTALE if pid names another process
 * now; or -errno of the signal. Reads only its arguments: safe on any
 * thread. */
int owners_signal(const char *proc_root, int pid,
		  unsigned long long start_time, int sig);

#endif
