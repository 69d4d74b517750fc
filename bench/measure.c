/* measure - run a command, report its wall time, CPU time and peak RSS
 *
 *   measure [-o OUT] -- command [arg...]
 *
 * The command's standard output goes to OUT (default /dev/null), its
 * standard error is kept.  One line on standard output:
 *
 *   wall_ms cpu_ms user_ms sys_ms maxrss_kb exit_status
 *
 * CPU time and peak RSS come from wait4(2), so they cover every thread of
 * the command and every child it waited for. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double ms(struct timeval tv)
{
	return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null";
	struct timespec t0, t1;
	struct rusage ru;
	int opt, status, fd;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+o:")) != -1) {
		if (opt == 'o')
			out = optarg;
		else
			goto usage;
	}
	if (optind >= argc)
		goto usage;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "measure: %s: %s\n", out, strerror(errno));
		return 2;
	}
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(fd, 1);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "measure: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("measure: wait4");
			return 2;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.3f %.3f %.3f %.3f %ld %d\n",
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
	       ms(ru.ru_utime) + ms(ru.ru_stime), ms(ru.ru_utime),
	       ms(ru.ru_stime), ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status));
	return 0;
usage:
	fprintf(stderr, "usage: measure [-o OUT] -- command [arg...]\n");
	return 2;
}
