/* dumpcost - the CPU time of one sock_diag dump, as porttop asks for it
 *
 *   dumpcost [-n N] [-c | -s] WHAT [LO HI]
 *
 * runs N (default 20) dumps of WHAT in the calling thread's network
 * namespace and prints the mean CPU time (user + system of the process,
 * CLOCK_PROCESS_CPUTIME_ID) a dump, with the messages and bytes it brought:
 *
 *   tcp-listen       TCP listeners of both families in one dump
 *                    (TCPDIAG_GETSOCK, AF_UNSPEC), porttop's request
 *   tcp-established  TCP connections the same way (the CONNS column)
 *   tcp-ports        the same, but only those with a local port in
 *                    [LO, HI] (a bytecode filter in the kernel)
 *   udp              unconnected UDP sockets, a dump per family, with
 *                    memory info (drops), porttop's requests
 *   udp-nomem        the same without memory info
 *
 * -c writes 64 MiB before each dump (the caches cold, as after other
 * work); -s sleeps a second before each (as a live view's refresh).
 * Build: gcc -O2 -o bench/_bin/dumpcost bench/dumpcost.c; run as root
 * inside the load's namespace (nsenter --net=/proc/PID/ns/net).
 */
#define _GNU_SOURCE
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define COLD_BYTES (64u << 20)

struct totals {
	long msgs;
	long bytes;
};

struct request {
	struct nlmsghdr h;
	union {
		struct inet_diag_req old;
		struct inet_diag_req_v2 v2;
	} r;
	char bc[64];
};

static char rbuf[32768];

/* The bytecode "LO <= sport <= HI" after the request's header. */
static size_t put_ports(struct request *q, size_t len, unsigned lo,
			unsigned hi)
{
	struct nlattr *a = (void *)((char *)q + NLMSG_ALIGN(len));
	struct inet_diag_bc_op *op = (void *)(a + 1);

	a->nla_type = INET_DIAG_REQ_BYTECODE;
	a->nla_len = NLA_HDRLEN + 4 * sizeof(*op);
	op[0].code = INET_DIAG_BC_S_GE;
	op[0].yes = 8;
	op[0].no = 16 + 4;	/* past the end: reject */
	op[1].no = (unsigned short)lo;
	op[2].code = INET_DIAG_BC_S_LE;
	op[2].yes = 8;		/* the end: accept */
	op[2].no = 8 + 4;
	op[3].no = (unsigned short)hi;
	return NLMSG_ALIGN(len) + a->nla_len;
}

static int dump(int fd, int type, int family, int proto, unsigned states,
		int ext, const unsigned *ports, struct totals *t)
{
	struct request q;
	size_t len;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_type = (unsigned short)type;
	q.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (type == TCPDIAG_GETSOCK) {
		len = NLMSG_LENGTH(sizeof(q.r.old));
		q.r.old.idiag_family = (unsigned char)family;
		q.r.old.idiag_states = states;
	} else {
		len = NLMSG_LENGTH(sizeof(q.r.v2));
		q.r.v2.sdiag_family = (unsigned char)family;
		q.r.v2.sdiag_protocol = (unsigned char)proto;
		q.r.v2.idiag_states = states;
		q.r.v2.idiag_ext = (unsigned char)ext;
	}
	if (ports)
		len = put_ports(&q, len, ports[0], ports[1]);
	q.h.nlmsg_len = (unsigned)len;
	if (send(fd, &q, len, 0) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -1;
		t->bytes += n;
		for (h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -1;
			t->msgs++;
		}
	}
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int one(int fd, const char *what, const unsigned *ports,
	       struct totals *t)
{
	const int mem = 1 << (INET_DIAG_SKMEMINFO - 1);
	int rc;

	if (!strcmp(what, "tcp-listen"))
		return dump(fd, TCPDIAG_GETSOCK, AF_UNSPEC, 0,
			    1u << TCP_LISTEN, 0, NULL, t);
	if (!strcmp(what, "tcp-established") || !strcmp(what, "tcp-ports"))
		return dump(fd, TCPDIAG_GETSOCK, AF_UNSPEC, 0,
			    1u << TCP_ESTABLISHED, 0, ports, t);
	if (strcmp(what, "udp") && strcmp(what, "udp-nomem"))
		return -2;
	rc = dump(fd, SOCK_DIAG_BY_FAMILY, AF_INET, IPPROTO_UDP,
		  1u << TCP_CLOSE, strcmp(what, "udp") ? 0 : mem, NULL, t);
	if (rc == 0)
		rc = dump(fd, SOCK_DIAG_BY_FAMILY, AF_INET6, IPPROTO_UDP,
			  1u << TCP_CLOSE, strcmp(what, "udp") ? 0 : mem,
			  NULL, t);
	return rc;
}

int main(int argc, char **argv)
{
	struct totals t = { 0, 0 };
	unsigned ports[2];
	char *cold = NULL;
	int n = 20, sleepy = 0, opt, fd, i, rc;
	double spent = 0;

	while ((opt = getopt(argc, argv, "n:cs")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'c': cold = malloc(COLD_BYTES); break;
		case 's': sleepy = 1; break;
		default: return 2;
		}
	}
	if (optind >= argc || n < 1) {
		fprintf(stderr, "usage: dumpcost [-n N] [-c | -s] WHAT [LO HI]\n");
		return 2;
	}
	if (!strcmp(argv[optind], "tcp-ports")) {
		if (optind + 2 >= argc) {
			fprintf(stderr, "dumpcost: tcp-ports wants LO HI\n");
			return 2;
		}
		ports[0] = (unsigned)atoi(argv[optind + 1]);
		ports[1] = (unsigned)atoi(argv[optind + 2]);
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		perror("dumpcost: socket");
		return 1;
	}
	if (cold)
		memset(cold, 1, COLD_BYTES);
	for (i = 0; i < n; i++) {
		double t0;
		size_t k;

		if (sleepy)
			sleep(1);
		for (k = 0; cold && k < COLD_BYTES; k += 64)
			cold[k]++;
		t0 = cpu_now();
		rc = one(fd, argv[optind],
			 !strcmp(argv[optind], "tcp-ports") ? ports : NULL, &t);
		spent += cpu_now() - t0;
		if (rc == -2) {
			fprintf(stderr, "dumpcost: no such dump: %s\n",
				argv[optind]);
			return 2;
		}
		if (rc < 0) {
			perror("dumpcost: dump");
			return 1;
		}
	}
	printf("%s%s: %.2f ms CPU a dump, %ld messages, %ld bytes\n",
	       argv[optind], cold ? " (cold)" : sleepy ? " (after 1 s)" : "",
	       spent * 1000 / n, t.msgs / n, t.bytes / n);
	free(cold);
	return 0;
}
