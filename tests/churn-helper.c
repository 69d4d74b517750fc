/* churn-helper.c - changes who holds listening sockets in the ways that an
 * incremental owner scan can miss while fd counts stay the same, and logs
 * when each change happened, for a differential test.
 *
 * Usage: churn-helper [-s SEED] [-q QUIET_MS] [-g GROUPS] [-n] STEPS
 * Each group is: two processes sharing one listener on fd 900 (hand-off:
 * either puts /dev/null or a new listener on that fd with dup2), one with
 * listeners on fds 901 and 902 that it swaps, one that execs itself (its
 * listener on fd 903 stays; its name and command line change), and one
 * that is killed and started again on the same pid when it can: pid
 * reuse (clone3 with set_tid, which takes back only the pid it just freed,
 * or else, but for -n, ns_last_pid). Prints "ready", then per step
 * "mut OP BEGIN END"
 * (CLOCK_REALTIME seconds around the change) and waits QUIET_MS; "done".
 * Internal: churn-helper --exec-actor CMD_FD ACK_FD GEN */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#define FD_SHARED 900
#define FD_SWAP_A 901
#define FD_SWAP_B 902
#define FD_EXEC 903
#define FD_RESTART 904
#define MAX_ACTORS 64

enum kind { HANDOFF, SWAP, EXEC, RESTART };

struct actor {
	enum kind kind;
	pid_t pid;
	int cmd, ack;		/* the driver's ends */
};

static const char *self;

static void die(const char *what)
{
	fprintf(stderr, "churn-helper: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int listener(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 4) < 0)
		die("listener");
	return fd;
}

/* Put a new listener (or /dev/null) on fd; the count of fds stays. */
static void replace(int fd, bool sock)
{
	int s = sock ? listener() : open("/dev/null", O_RDONLY);

	if (s < 0 || dup2(s, fd) < 0)
		die("dup2");
	close(s);
}

static void ack(int fd)
{
	if (write(fd, "k", 1) != 1)
		_exit(0);
}

/* An actor's loop: one byte of command, one byte of answer. */
static void serve(enum kind kind, int cmd, int ackfd, int gen)
{
	char c, buf[3][16];

	for (;;) {
		if (read(cmd, &c, 1) != 1)
			_exit(0);
		switch (c) {
		case 'd':	/* drop the shared listener */
			replace(FD_SHARED, false);
			break;
		case 'n':	/* a new listener on the same fd */
			replace(FD_SHARED, true);
			break;
		case 's': {	/* swap two sockets between two fd numbers */
			int t = dup(FD_SWAP_A);

			if (t < 0 || dup2(FD_SWAP_B, FD_SWAP_A) < 0 ||
			    dup2(t, FD_SWAP_B) < 0)
				die("swap");
			close(t);
			break;
		}
		case 'x':	/* exec: name and command line change */
			snprintf(buf[0], sizeof(buf[0]), "%d", cmd);
			snprintf(buf[1], sizeof(buf[1]), "%d", ackfd);
			snprintf(buf[2], sizeof(buf[2]), "%d", gen + 1);
			execl(self, self, "--exec-actor", buf[0], buf[1],
			      buf[2], (char *)NULL);
			die("exec");
		}
		(void)kind;
		ack(ackfd);
	}
}

/* fork(), on pid want if it is not 0 and the kernel lets us (clone3 with
 * set_tid: CAP_SYS_ADMIN, and the pid free). */
static pid_t fork_on(pid_t want)
{
#ifdef SYS_clone3
	struct clone_args ca;
	long pid;

	if (want > 0) {
		memset(&ca, 0, sizeof(ca));
		ca.exit_signal = SIGCHLD;
		ca.set_tid = (uint64_t)(uintptr_t)&want;
		ca.set_tid_size = 1;
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid >= 0)
			return (pid_t)pid;
	}
#else
	(void)want;
#endif
	return fork();
}

static void start_actor(struct actor *a, enum kind kind, int shared,
			pid_t want)
{
	int cp[2], ap[2];

	if (pipe(cp) < 0 || pipe(ap) < 0)
		die("pipe");
	a->kind = kind;
	a->pid = fork_on(want);
	if (a->pid < 0)
		die("fork");
	if (a->pid == 0) {
		close(cp[1]);
		close(ap[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		switch (kind) {
		case HANDOFF:
			if (dup2(shared, FD_SHARED) < 0)
				die("dup2");
			break;
		case SWAP:
			replace(FD_SWAP_A, true);
			replace(FD_SWAP_B, true);
			break;
		case EXEC:
			replace(FD_EXEC, true);
			break;
		case RESTART:
			replace(FD_RESTART, true);
			break;
		}
		if (shared >= 0)
			close(shared);
		ack(ap[1]);
		serve(kind, cp[0], ap[1], 0);
	}
	close(cp[0]);
	close(ap[1]);
	a->cmd = cp[1];
	a->ack = ap[0];
}

static void wait_ack(const struct actor *a)
{
	char c;

	if (read(a->ack, &c, 1) != 1)
		die("actor went away");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Kill a, and start it again, on the same pid if we can (reuse). */
static int restart(struct actor *a, bool reuse)
{
	pid_t old = a->pid;
	int fd, reused;
	char num[16];

	kill(old, SIGKILL);
	waitpid(old, NULL, 0);
	close(a->cmd);
	close(a->ack);
	/* clone3 takes the pid back where it may; else ns_last_pid, in a
	 * pid namespace of our own only (not -n) */
	fd = reuse ? open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC)
		   : -1;
	if (fd >= 0) {
		int len = snprintf(num, sizeof(num), "%d", (int)old - 1);

		if (write(fd, num, (size_t)len) < 0)
			(void)0;	/* no pid reuse then */
		close(fd);
	}
	start_actor(a, RESTART, -1, old);
	wait_ack(a);
	reused = a->pid == old;
	return reused;
}

int main(int argc, char **argv)
{
	struct actor actors[MAX_ACTORS];
	int nact = 0, groups = 1, quiet = 500, steps, opt, g, i, reuses = 0;
	unsigned seed = 1;
	bool reuse = true;

	self = "/proc/self/exe";
	if (argc == 5 && strcmp(argv[1], "--exec-actor") == 0) {
		int gen = atoi(argv[4]);

		prctl(PR_SET_NAME, gen % 2 ? "exec-odd" : "exec-even", 0, 0, 0);
		ack(atoi(argv[3]));
		serve(EXEC, atoi(argv[2]), atoi(argv[3]), gen);
	}
	while ((opt = getopt(argc, argv, "s:q:g:n")) != -1) {
		switch (opt) {
		case 's':
			seed = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'q':
			quiet = atoi(optarg);
			break;
		case 'g':
			groups = atoi(optarg);
			break;
		case 'n':	/* the host's pid namespace: no ns_last_pid */
			reuse = false;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || groups < 1 || groups * 5 > MAX_ACTORS)
		return 2;
	steps = atoi(argv[optind]);
	srand(seed);
	for (g = 0; g < groups; g++) {
		int shared = listener();

		start_actor(&actors[nact++], HANDOFF, shared, 0);
		start_actor(&actors[nact++], HANDOFF, shared, 0);
		close(shared);
		start_actor(&actors[nact++], SWAP, -1, 0);
		start_actor(&actors[nact++], EXEC, -1, 0);
		start_actor(&actors[nact++], RESTART, -1, 0);
	}
	for (i = 0; i < nact; i++)
		wait_ack(&actors[i]);
	printf("ready\n");
	fflush(stdout);
	for (i = 0; i < steps; i++) {
		struct actor *a = &actors[rand() % nact];
		struct timespec q = { quiet / 1000, (quiet % 1000) * 1000000L };
		double begin = now();
		const char *op;

		switch (a->kind) {
		case HANDOFF:
			op = rand() % 2 ? "n" : "d";
			break;
		case SWAP:
			op = "s";
			break;
		case EXEC:
			op = "x";
			break;
		default:
			op = "r";
			break;
		}
		if (*op == 'r') {
			reuses += restart(a, reuse);
		} else {
			if (write(a->cmd, op, 1) != 1)
				die("command");
			wait_ack(a);
		}
		printf("mut %s %.6f %.6f\n", op, begin, now());
		fflush(stdout);
		nanosleep(&q, NULL);
	}
	{
		double begin = now();

		for (i = 0; i < nact; i++) {
			kill(actors[i].pid, SIGKILL);
			waitpid(actors[i].pid, NULL, 0);
		}
		printf("mut end %.6f %.6f\n", begin, now());
	}
	printf("done pid-reuses %d\n", reuses);
	fflush(stdout);
	return 0;
}
