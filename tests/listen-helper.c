/* listen-helper.c - opens the sockets a test asks for, reports them, and
 * holds them until its standard input closes.
 *
 * Usage: listen-helper [-D] [-c NAME] [-f N] [-k UID] [-n NAME] [-t TITLE]
 *        [-u UID] SPEC... [PADDING ARG...]
 *   -D        make every holder non-dumpable (PR_SET_DUMPABLE 0)
 *   -f N      fork N children that hold every socket too
 *   -n NAME   set the process name (prctl PR_SET_NAME) of all holders
 *   -c NAME   the children of -f take this name and command line instead
 *   -k UID    the children of -f run as UID (and stay readable by it)
 *   -u UID    become UID (and its gid) once the sockets are open, as a
 *             daemon that drops privileges does
 *   -t TITLE  on SIGUSR2, rewrite the command line in place to TITLE (as
 *             setproctitle does: no exec, the same process)
 *   SPEC      PROTO/ADDRESS/PORT[/OPTION...]
 *             PROTO: tcp (listener), udp (bound), tcp-est (a connected
 *             pair through a private listener), udp-conn (connected UDP),
 *             tcp-bound (bound, neither listening nor connected), tcp-tw
 *             (a connection closed by the listener's side first, so that
 *             the port stays in TIME_WAIT; nothing is held)
 *             OPTION: v6only, dual, dev=IFNAME, backlog=N, reuseport,
 *             reuseaddr (SO_REUSEADDR; a tcp-tw's connection inherits it),
 *             conn=N (N clients connect to a tcp listener), accept=K (the
 *             listener accepts K of them; the rest wait in its queue),
 *             dup (a second fd on the same socket: "dup FD NEWFD")
 * Prints one line per socket: "sock PROTO ADDRESS PORT INODE FD", one
 * "holder PID" per process, then "ready". SIGUSR1 closes every socket;
 * the process lives on. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int socks[64];
static int nsocks;

static void close_all(int sig)
{
	int i;

	(void)sig;
	for (i = 0; i < nsocks; i++)
		close(socks[i]);
}

static void die(const char *what, const char *spec)
{
	fprintf(stderr, "listen-helper: %.60s: %s: %s\n", spec, what,
		strerror(errno));
	exit(2);
}

static socklen_t make_addr(const char *addr, unsigned port,
			   struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		return sizeof(*v4);
	}
	if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		return sizeof(*v6);
	}
	return 0;
}

static unsigned bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void report(const char *proto, const char *addr, int fd)
{
	struct stat st;

	if (nsocks < 64)
		socks[nsocks++] = fd;
	fstat(fd, &st);
	printf("sock %s %s %u %lu %d\n", proto, addr, bound_port(fd),
	       (unsigned long)st.st_ino, fd);
}

/* Listen on fd, connect a new socket of family to it and accept: *cfd is
 * the connecting end, *afd the accepted one. */
static void connect_to_self(int fd, int family, const char *spec, int *cfd,
			    int *afd)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);

	if (listen(fd, 4) < 0)
		die("listen", spec);
	getsockname(fd, (struct sockaddr *)&peer, &plen);
	*cfd = socket(family, SOCK_STREAM, 0);
	if (*cfd < 0 || connect(*cfd, (struct sockaddr *)&peer, plen) < 0)
		die("connect", spec);
	*afd = accept(fd, NULL, NULL);
	if (*afd < 0)
		die("accept", spec);
}

static void open_spec(char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	char *proto = strtok_r(copy, "/", &save);
	char *addr = strtok_r(NULL, "/", &save);
	char *port = strtok_r(NULL, "/", &save);
	char *opt;
	int v6only = -1, backlog = 16, reuse = 0, conns = 0, accepts = 0;
	int dups = 0, reuseaddr = 0;
	const char *dev = NULL;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, type, one = 1;

	if (!proto || !addr || !port) {
		errno = EINVAL;
		die("bad spec", spec);
	}
	while ((opt = strtok_r(NULL, "/", &save)) != NULL) {
		if (strcmp(opt, "v6only") == 0)
			v6only = 1;
		else if (strcmp(opt, "dual") == 0)
			v6only = 0;
		else if (strncmp(opt, "dev=", 4) == 0)
			dev = opt + 4;
		else if (strncmp(opt, "backlog=", 8) == 0)
			backlog = atoi(opt + 8);
		else if (strcmp(opt, "reuseport") == 0)
			reuse = 1;
		else if (strcmp(opt, "reuseaddr") == 0)
			reuseaddr = 1;
		else if (strncmp(opt, "conn=", 5) == 0)
			conns = atoi(opt + 5);
		else if (strncmp(opt, "accept=", 7) == 0)
			accepts = atoi(opt + 7);
		else if (strcmp(opt, "dup") == 0)
			dups = 1;
	}
	len = make_addr(addr, (unsigned)atoi(port), &ss);
	if (!len) {
		errno = EINVAL;
		die("bad address", spec);
	}
	type = strncmp(proto, "udp", 3) == 0 ? SOCK_DGRAM : SOCK_STREAM;
	fd = socket(ss.ss_family, type, 0);
	if (fd < 0)
		die("socket", spec);
	if (v6only >= 0 && ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)))
		die("IPV6_V6ONLY", spec);
	if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		die("SO_REUSEPORT", spec);
	if (reuseaddr &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("SO_REUSEADDR", spec);
	if (dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
			      (socklen_t)strlen(dev)))
		die("SO_BINDTODEVICE", spec);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind", spec);
	if (strcmp(proto, "tcp") == 0) {
		struct sockaddr_storage me;
		socklen_t mlen = sizeof(me);
		int i;

		if (listen(fd, backlog) < 0)
			die("listen", spec);
		report(proto, addr, fd);
		getsockname(fd, (struct sockaddr *)&me, &mlen);
		for (i = 0; i < conns; i++) {
			int cfd = socket(ss.ss_family, SOCK_STREAM, 0);

			if (cfd < 0 || connect(cfd, (struct sockaddr *)&me, mlen) < 0)
				die("connect", spec);
		}
		for (i = 0; i < accepts; i++)
			if (accept(fd, NULL, NULL) < 0)
				die("accept", spec);
		if (dups) {
			int nfd = dup(fd);

			if (nfd < 0)
				die("dup", spec);
			printf("dup %d %d\n", fd, nfd);
		}
	} else if (strcmp(proto, "udp") == 0) {
		report(proto, addr, fd);
	} else if (strcmp(proto, "udp-conn") == 0) {
		struct sockaddr_storage peer = ss;

		/* connect to our own port: a connected UDP socket */
		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&peer)->sin_port =
				htons((uint16_t)bound_port(fd));
		else
			((struct sockaddr_in6 *)&peer)->sin6_port =
				htons((uint16_t)bound_port(fd));
		if (connect(fd, (struct sockaddr *)&peer, len) < 0)
			die("connect", spec);
		report(proto, addr, fd);
	} else if (strcmp(proto, "tcp-bound") == 0) {
		report(proto, addr, fd);
	} else if (strcmp(proto, "tcp-tw") == 0) {
		int cfd, afd;

		connect_to_self(fd, ss.ss_family, spec, &cfd, &afd);
		report(proto, addr, fd);
		/* the accepted side closes first: its TIME_WAIT keeps the
		 * listener's port as its local port */
		close(afd);
		usleep(20000);
		close(cfd);
		close(fd);
		usleep(20000);
	} else if (strcmp(proto, "tcp-est") == 0) {
		int cfd, afd;

		connect_to_self(fd, ss.ss_family, spec, &cfd, &afd);
		close(fd);	/* only the established pair stays */
		report(proto, addr, cfd);
		report(proto, addr, afd);
	} else {
		errno = EINVAL;
		die("bad protocol", spec);
	}
	free(copy);
}

/* Rewrite our command line in place (as setproctitle does). */
static void retitle(int argc, char **argv, const char *name)
{
	char *end = argv[argc - 1] + strlen(argv[argc - 1]);
	size_t room = (size_t)(end - argv[0]);

	memset(argv[0], 0, room);
	memcpy(argv[0], name, strlen(name) < room ? strlen(name) : room);
}

/* -t: the title SIGUSR2 gives, and the command line it goes into */
static char *title;
static int title_argc;
static char **title_argv;

static void retitle_on_signal(int sig)
{
	(void)sig;
	retitle(title_argc, title_argv, title);
}

static void hold(void)
{
	char c;

	/* until the test closes our stdin (or the parent dies) */
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
}

int main(int argc, char **argv)
{
	int opt, forks = 0, i, uid = -1, undump = 0, kid_uid = -1;
	const char *name = NULL, *kid_name = NULL;
	pid_t kids[64];

	while ((opt = getopt(argc, argv, "+Dc:f:k:n:t:u:")) != -1) {
		switch (opt) {
		case 'D':
			undump = 1;
			break;
		case 'k':
			kid_uid = atoi(optarg);
			break;
		case 'f':
			forks = atoi(optarg);
			break;
		case 'n':
			name = optarg;
			break;
		case 'c':
			kid_name = optarg;
			break;
		case 'u':
			uid = atoi(optarg);
			break;
		case 't':
			/* a copy: the command line it is in is overwritten */
			title = strdup(optarg);
			if (!title)
				return 2;
			title_argc = argc;
			title_argv = argv;
			signal(SIGUSR2, retitle_on_signal);
			break;
		default:
			return 2;
		}
	}
	if (forks < 0 || forks > 64)
		return 2;
	if (name)
		prctl(PR_SET_NAME, name, 0, 0, 0);
	if (undump)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(SIGUSR1, close_all);
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "PADDING") == 0)
			break;	/* the rest only pads the command line */
		open_spec(argv[i]);
	}
	if (uid >= 0 && (setgroups(0, NULL) < 0 || setresgid((gid_t)uid,
		(gid_t)uid, (gid_t)uid) < 0 || setresuid((uid_t)uid,
		(uid_t)uid, (uid_t)uid) < 0))
		die("setresuid", "-u");
	printf("holder %d\n", (int)getpid());
	fflush(stdout);
	for (i = 0; i < forks; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork", "-f");
		if (kids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			if (kid_name) {
				prctl(PR_SET_NAME, kid_name, 0, 0, 0);
				retitle(argc, argv, kid_name);
			}
			if (kid_uid >= 0) {
				if (setgid((gid_t)kid_uid) < 0 ||
				    setuid((uid_t)kid_uid) < 0)
					die("setuid", "-k");
				/* a changed uid clears it: stay readable */
				prctl(PR_SET_DUMPABLE, undump ? 0 : 1, 0, 0, 0);
			}
			hold();
			_exit(0);
		}
		printf("holder %d\n", (int)kids[i]);
	}
	printf("ready\n");
	fflush(stdout);
	hold();
	for (i = 0; i < forks; i++) {
		kill(kids[i], SIGTERM);
		waitpid(kids[i], NULL, 0);
	}
	return 0;
}
