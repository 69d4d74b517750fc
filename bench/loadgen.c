/* loadgen - a socket load for benchmarking porttop against ss, netstat, lsof
 *
 * loadgen makes its own network namespace (it must run as root), brings its
 * loopback up and forks P processes.  Each process holds
 *
 *   L TCP listeners      (its own, ports from a counter)
 *   U UDP sockets        (bound, unconnected)
 *   E established TCP connections on loopback, both ends (connect to one of
 *                        its own listeners, then accept)
 *   F other fds          (/dev/null, pipes, unix socket pairs)
 *
 * plus sockets shared by several processes, opened before fork as a prefork
 * server does: S sockets per group of G consecutive processes, and A sockets
 * shared by every process.  Addresses cycle through 0.0.0.0, 127.0.0.1,
 * 127.0.0.2, :: (dual stack), :: (v6only) and ::1.
 *
 * The manifest (-m FILE) lists every listener, one a line, tab-separated:
 *
 *   proto  family  address  port  v6only  inode  pid:fd[,pid:fd...]
 *
 * where proto is tcp or udp and family 4 or 6.  Lines starting with '#' are
 * comments.  Then loadgen runs the command after "--" inside the namespace
 * (with LOADGEN_MANIFEST and LOADGEN_PID in its environment) and exits with
 * its status, or, without a command, waits until its standard input closes.
 * Either way it kills its processes and waits for them before it exits.
 *
 * The processes block in read(2) on a pipe whose write end only loadgen
 * holds: when loadgen goes away, for whatever reason, they see end-of-file
 * and exit (and PR_SET_PDEATHSIG backs that up).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cfg {
	int procs, listeners, udp, established, other;
	int shared, group, all;
	int port_base;
	const char *manifest;
	char **cmd;
};

/* one listener as the manifest shows it */
struct lrec {
	char proto;		/* 't' or 'u' */
	char family;		/* 4 or 6 */
	char v6only;
	unsigned short port;
	char addr[INET6_ADDRSTRLEN];
	unsigned long inode;
	int fd;			/* fd number in every holder */
	int first, count;	/* holders: pids[first .. first+count) */
	pid_t owner;		/* the single holder of an unshared socket */
};

static struct lrec *recs;
static size_t nrecs, caprecs;
static pid_t *kids;
static int nkids;
static int hold_wr = -1;		/* children exit on EOF of its read end */
static unsigned next_tcp_port, next_udp_port;

static void die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fprintf(stderr, "loadgen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (fmt[strlen(fmt) - 1] == ':')
		fprintf(stderr, " %s", strerror(e));
	fputc('\n', stderr);
	exit(2);
}

static void teardown(void)
{
	int i;

	if (hold_wr >= 0)
		close(hold_wr);
	hold_wr = -1;
	for (i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < nkids; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	nkids = 0;
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "loadgen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	teardown();
	exit(2);
}

static struct lrec *new_rec(void)
{
	if (nrecs == caprecs) {
		caprecs = caprecs ? caprecs * 2 : 1024;
		recs = realloc(recs, caprecs * sizeof *recs);
		if (!recs)
			die("out of memory");
	}
	memset(&recs[nrecs], 0, sizeof *recs);
	return &recs[nrecs++];
}

/* address kinds, cycled through */
enum { A_ANY4, A_LO4, A_LO4B, A_ANY46, A_ANY6, A_LO6, A_NKINDS };

static void fill_addr(int kind, unsigned port, struct sockaddr_storage *ss,
		      socklen_t *len, int *family, int *v6only)
{
	memset(ss, 0, sizeof *ss);
	*v6only = -1;
	if (kind <= A_LO4B) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(kind == A_ANY4 ? INADDR_ANY :
					   kind == A_LO4 ? 0x7f000001 : 0x7f000002);
		*len = sizeof *a;
		*family = AF_INET;
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = kind == A_LO6 ? in6addr_loopback : in6addr_any;
		*len = sizeof *a;
		*family = AF_INET6;
		*v6only = kind == A_ANY46 ? 0 : 1;
	}
}

/* Open a TCP listener or a bound UDP socket on the next free port of its
 * protocol with address kind 'kind'.  Fills 'r' (but holders).  Returns the
 * fd, or -1 with errno set. */
static int open_sock(int tcp, int kind, struct lrec *r)
{
	unsigned *next = tcp ? &next_tcp_port : &next_udp_port;
	struct sockaddr_storage ss;
	socklen_t len;
	int family, v6only, fd, one = 1, tries;
	struct stat st;

	for (tries = 0; tries < 1000; tries++) {
		unsigned port = (*next)++;

		if (port > 65535)
			break;
		fill_addr(kind, port, &ss, &len, &family, &v6only);
		fd = socket(family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
		if (fd < 0)
			return -1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (v6only >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
					      &v6only, sizeof v6only) < 0) {
			close(fd);
			return -1;
		}
		if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
			int e = errno;

			close(fd);
			if (e == EADDRINUSE)
				continue;
			errno = e;
			return -1;
		}
		if (tcp && listen(fd, 128) < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		if (fstat(fd, &st) < 0)
			return -1;
		r->proto = tcp ? 't' : 'u';
		r->family = family == AF_INET ? 4 : 6;
		r->v6only = v6only > 0;
		r->port = port;
		r->inode = st.st_ino;
		r->fd = fd;
		if (family == AF_INET)
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)&ss)->sin_addr,
				  r->addr, sizeof r->addr);
		else
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)&ss)->sin6_addr,
				  r->addr, sizeof r->addr);
		return fd;
	}
	errno = EADDRINUSE;
	return -1;
}

/* connect to listener r (own process) and accept: both ends stay open */
static int make_conn(const struct lrec *r)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int family, v6only, c, a;
	int kind = r->family == 4 ? (strcmp(r->addr, "127.0.0.2") ? A_LO4 : A_LO4B)
				  : A_LO6;

	fill_addr(kind, r->port, &ss, &len, &family, &v6only);
	c = socket(family, SOCK_STREAM, 0);
	if (c < 0)
		return -1;
	if (connect(c, (struct sockaddr *)&ss, len) < 0)
		return -1;
	a = accept(r->fd, NULL, NULL);
	return a < 0 ? -1 : 0;
}

static int other_fds(int n)
{
	int i = 0, k = 0, p[2];

	while (i < n) {
		switch (k++ % 3) {
		case 0:
			if (open("/dev/null", O_RDONLY) < 0)
				return -1;
			i++;
			break;
		case 1:
			if (n - i < 2) {
				k++;
				continue;
			}
			if (pipe(p) < 0)
				return -1;
			i += 2;
			break;
		case 2:
			if (n - i < 2) {
				k++;
				continue;
			}
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) < 0)
				return -1;
			i += 2;
			break;
		}
	}
	return 0;
}

/* the body of one load process; reports its listeners on 'rep', then
 * blocks until the read end 'hold' sees end-of-file */
static void child(const struct cfg *c, int idx, int hold, int rep)
{
	struct lrec *mine;
	int i, n = c->listeners + c->udp;
	char buf;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	mine = calloc(n ? n : 1, sizeof *mine);
	if (!mine)
		goto bad;
	for (i = 0; i < n; i++) {
		int tcp = i < c->listeners;

		if (open_sock(tcp, (idx + i) % A_NKINDS, &mine[i]) < 0)
			goto bad;
	}
	for (i = 0; i < c->established && c->listeners; i++)
		if (make_conn(&mine[i % c->listeners]) < 0)
			goto bad;
	if (other_fds(c->other) < 0)
		goto bad;
	for (i = 0; i < n; i++)
		dprintf(rep, "%c %d %d %u %s %lu %d\n", mine[i].proto,
			mine[i].family, mine[i].v6only, mine[i].port,
			mine[i].addr, mine[i].inode, mine[i].fd);
	dprintf(rep, "END %u %u\n", next_tcp_port, next_udp_port);
	close(rep);
	free(mine);
	while (read(hold, &buf, 1) < 0 && errno == EINTR)
		;
	_exit(0);
bad:
	dprintf(rep, "ERR process %d: %s\n", idx, strerror(errno));
	_exit(1);
}

static void raise_nofile(const struct cfg *c)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)c->listeners + c->udp + 2 * c->established +
		      c->other + c->shared + c->all + 64;

	/* the parent briefly holds a group's and the global shared sockets */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit:");
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want;
	if (rl.rlim_max < want)
		rl.rlim_max = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("cannot raise RLIMIT_NOFILE to %llu:",
		    (unsigned long long)want);
}

static void lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0)
		die("socket:");
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("SIOCGIFFLAGS lo:");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die("SIOCSIFFLAGS lo:");
	close(s);
}

/* holders of shared sockets: pid lists, by record */
static pid_t *hpids;
static size_t nh, caph;

static void add_holder(pid_t pid)
{
	if (nh == caph) {
		caph = caph ? caph * 2 : 1024;
		hpids = realloc(hpids, caph * sizeof *hpids);
		if (!hpids)
			die("out of memory");
	}
	hpids[nh++] = pid;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: loadgen [-P procs] [-L tcp-listeners] [-U udp] "
		"[-E established] [-F other-fds]\n"
		"               [-S shared-per-group] [-G group-size] "
		"[-A shared-by-all] [-p first-port]\n"
		"               [-m manifest] [-- command [arg...]]\n"
		"counts are per process; run as root\n");
	exit(2);
}

static int num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == 0 || *end || v < 0 || v > 1000000)
		usage();
	return (int)v;
}

int main(int argc, char **argv)
{
	struct cfg c = { .procs = 10, .listeners = 10, .udp = 2,
			 .established = 2, .other = 10, .shared = 2,
			 .group = 10, .all = 1, .port_base = 1024 };
	int opt, i, hold[2], rep[2], status = 0;
	FILE *rf, *mf;
	char *line = NULL;
	size_t cap = 0;
	struct lrec *gshared = NULL, *allshared = NULL;
	size_t gfirst = 0;
	struct timespec t0, t1;

	while ((opt = getopt(argc, argv, "P:L:U:E:F:S:G:A:p:m:h")) != -1) {
		switch (opt) {
		case 'P': c.procs = num(optarg); break;
		case 'L': c.listeners = num(optarg); break;
		case 'U': c.udp = num(optarg); break;
		case 'E': c.established = num(optarg); break;
		case 'F': c.other = num(optarg); break;
		case 'S': c.shared = num(optarg); break;
		case 'G': c.group = num(optarg); break;
		case 'A': c.all = num(optarg); break;
		case 'p': c.port_base = num(optarg); break;
		case 'm': c.manifest = optarg; break;
		default: usage();
		}
	}
	if (optind < argc)
		c.cmd = argv + optind;
	if (c.group < 1)
		c.group = 1;
	if (c.port_base < 1 || c.port_base > 65535)
		usage();
	next_tcp_port = next_udp_port = c.port_base;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	raise_nofile(&c);
	if (unshare(CLONE_NEWNET) < 0)
		die("unshare(CLONE_NEWNET) (run as root):");
	lo_up();
	/* keep connect()'s ephemeral ports away from the listeners' ports */
	{
		int f = open("/proc/sys/net/ipv4/ip_local_port_range", O_WRONLY);

		if (f >= 0) {
			ssize_t w = write(f, "40000 65000", 11);

			(void)w;	/* on failure, keep the default */
			close(f);
		}
	}
	if (pipe2(hold, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0)
		die("pipe:");
	hold_wr = hold[1];
	rf = fdopen(rep[0], "r");
	kids = calloc(c.procs ? c.procs : 1, sizeof *kids);
	if (!rf || !kids)
		die("out of memory");

	/* sockets shared by all processes */
	if (c.all) {
		allshared = calloc(c.all, sizeof *allshared);
		for (i = 0; i < c.all; i++)
			if (open_sock(i % 2 == 0, (i + 3) % A_NKINDS,
				      &allshared[i]) < 0)
				die("shared socket:");
	}
	if (c.shared)
		gshared = calloc(c.shared, sizeof *gshared);

	for (i = 0; i < c.procs; i++) {
		pid_t pid;
		int j;

		if (c.shared && i % c.group == 0) {
			gfirst = nh;
			for (j = 0; j < c.shared; j++)
				if (open_sock(j % 3 != 2, (i / c.group + j) % A_NKINDS,
					      &gshared[j]) < 0)
					fail("group socket: %s", strerror(errno));
		}
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			fail("fork: %s", strerror(errno));
		if (pid == 0) {
			close(hold[1]);
			close(rep[0]);
			child(&c, i, hold[0], rep[1]);
		}
		kids[nkids++] = pid;
		add_holder(pid);
		/* read this child's report */
		for (;;) {
			char proto;
			struct lrec *r;
			unsigned port, tport, uport;
			int fam, v6o, fd;
			unsigned long ino;
			char addr[INET6_ADDRSTRLEN];

			if (getline(&line, &cap, rf) < 0)
				fail("process %d died before reporting", i);
			if (!strncmp(line, "ERR", 3))
				fail("%s", line + 4);
			if (sscanf(line, "END %u %u", &tport, &uport) == 2) {
				next_tcp_port = tport;
				next_udp_port = uport;
				break;
			}
			if (sscanf(line, "%c %d %d %u %45s %lu %d", &proto,
				   &fam, &v6o, &port, addr, &ino, &fd) != 7)
				fail("bad report: %s", line);
			r = new_rec();
			r->proto = proto;
			r->family = (char)fam;
			r->v6only = (char)v6o;
			r->port = (unsigned short)port;
			strcpy(r->addr, addr);
			r->inode = ino;
			r->fd = fd;
			r->owner = pid;
			r->count = 0;
		}
		if (c.shared && (i % c.group == c.group - 1 || i == c.procs - 1)) {
			for (j = 0; j < c.shared; j++) {
				struct lrec *r = new_rec();

				*r = gshared[j];
				r->first = (int)gfirst;
				r->count = (int)(nh - gfirst);
				close(gshared[j].fd);
			}
		}
	}
	for (i = 0; i < c.all; i++) {
		struct lrec *r = new_rec();

		*r = allshared[i];
		r->count = -1;		/* every child */
		close(allshared[i].fd);
	}
	close(rep[1]);
	fclose(rf);

	if (c.manifest) {
		size_t k;
		int nl = 0, nu = 0;

		mf = fopen(c.manifest, "w");
		if (!mf)
			fail("%s: %s", c.manifest, strerror(errno));
		for (k = 0; k < nrecs; k++)
			recs[k].proto == 't' ? nl++ : nu++;
		fprintf(mf, "# loadgen manifest: P=%d L=%d U=%d E=%d F=%d S=%d G=%d A=%d\n",
			c.procs, c.listeners, c.udp, c.established, c.other,
			c.shared, c.group, c.all);
		fprintf(mf, "# %d tcp listeners, %d udp sockets\n", nl, nu);
		fprintf(mf, "# proto\tfamily\taddress\tport\tv6only\tinode\tholders (pid:fd)\n");
		for (k = 0; k < nrecs; k++) {
			struct lrec *r = &recs[k];
			int h;

			fprintf(mf, "%s\t%d\t%s\t%u\t%d\t%lu\t",
				r->proto == 't' ? "tcp" : "udp", r->family,
				r->addr, r->port, r->v6only, r->inode);
			if (r->count == 0)
				fprintf(mf, "%d:%d", (int)r->owner, r->fd);
			else if (r->count < 0)
				for (h = 0; h < nkids; h++)
					fprintf(mf, "%s%d:%d", h ? "," : "",
						(int)kids[h], r->fd);
			else
				for (h = 0; h < r->count; h++)
					fprintf(mf, "%s%d:%d", h ? "," : "",
						(int)hpids[r->first + h], r->fd);
			fputc('\n', mf);
		}
		if (fclose(mf) != 0)
			fail("%s: %s", c.manifest, strerror(errno));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "loadgen: %d processes, %zu listeners ready in %.1f s; "
		"namespace: nsenter --net=/proc/%d/ns/net\n", nkids, nrecs,
		(double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9, (int)getpid());

	if (c.cmd) {
		char pidbuf[32];
		pid_t pid;

		snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
		setenv("LOADGEN_PID", pidbuf, 1);
		if (c.manifest)
			setenv("LOADGEN_MANIFEST", c.manifest, 1);
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			fail("fork: %s", strerror(errno));
		if (pid == 0) {
			execvp(c.cmd[0], c.cmd);
			fprintf(stderr, "loadgen: %s: %s\n", c.cmd[0],
				strerror(errno));
			_exit(127);
		}
		signal(SIGINT, SIG_IGN);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(status) ? WEXITSTATUS(status)
					   : 128 + WTERMSIG(status);
	} else {
		char buf[4096];

		for (;;) {
			ssize_t n = read(0, buf, sizeof buf);

			if (n == 0 || (n < 0 && errno != EINTR))
				break;
		}
	}
	teardown();
	return status;
}
