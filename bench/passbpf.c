/* passbpf.c - bench/pass.sh's filtered mode: the BPF owner pass alone, as
 * a live refresh runs it. Each iterator object given is loaded (libbpf) and
 * read N times unfiltered; an object with the walk's filter (filter_on,
 * filter_bits in its .bss) is then read N times with the filter on, its
 * bitmap holding the files of the sockets a refresh wants: the listeners of
 * this network namespace (/proc/net: TCP in LISTEN, unconnected UDP), whose
 * files the first unfiltered pass gave. Prints the CPU time (user+sys) of a
 * pass, its bytes and the slots the filter skipped. Built and run by
 * pass.sh -f under the bench load (in its network namespace); as root:
 *   passbpf N[cMiB] OBJ...
 * With cMiB (pass.sh -c MiB), MiB of memory are written between passes:
 * the passes then find the files out of the caches, as a refresh a second
 * after the last does. The CPU time is this thread's, of the passes only.
 * The records are read, and the filter's bits set, as src/owners_bpf_rec.h
 * of the tree it is built from says; OBJ:1 sets one bit a file, for the
 * walk before its filter took two (a bitmap of one bit a file is the first
 * of the two). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "owners_bpf_rec.h"

#define BUF (64 * 1024)

static uint32_t *want;		/* listener inodes, sorted */
static size_t nwant, capwant;
static uint64_t *files;		/* their files, as the first pass saw */
static size_t nfiles, capfiles;

static void add(void **v, size_t *n, size_t *cap, size_t sz, const void *x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*v = realloc(*v, *cap * sz);
		if (!*v)
			exit(2);
	}
	memcpy((char *)*v + *n * sz, x, sz);
	(*n)++;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* the sockets of /proc/net/NAME in state st */
static void read_net(const char *name, unsigned st)
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", name);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned s;
		unsigned long ino;

		if (sscanf(line, " %*d: %*s %*s %x %*s %*s %*s %*s %*s %lu",
			   &s, &ino) == 2 && s == st && ino) {
			uint32_t i = (uint32_t)ino;

			add((void **)&want, &nwant, &capwant, sizeof(i), &i);
		}
	}
	fclose(f);
}

/* one pass: its bytes; the files of wanted sockets into files if learn */
static long pass(int link, char *buf, int learn)
{
	int fd = bpf_iter_create(link);
	size_t have = 0, off;
	long total = 0;
	ssize_t n;

	if (fd < 0) {
		perror("bpf_iter_create");
		exit(2);
	}
	while ((n = read(fd, buf + have, BUF - have)) != 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			perror("read");
			exit(2);
		}
		total += n;
		have += (size_t)n;
		off = 0;
		while (off + sizeof(struct porttop_rec_sock) <= have) {
			struct porttop_rec_sock r;
			uint32_t tag;

			memcpy(&tag, buf + off, sizeof(tag));
			if (tag == PORTTOP_REC_TABLE ||
			    tag == PORTTOP_REC_CONT) {
				if (off + sizeof(struct porttop_rec_table) >
				    have)
					break;
				off += sizeof(struct porttop_rec_table);
				continue;
			}
			memcpy(&r, buf + off, sizeof(r));
			off += sizeof(r);
			if (learn && r.fd != PORTTOP_REC_MORE &&
			    bsearch(&r.inode, want, nwant, sizeof(*want),
				    cmp_u32))
				add((void **)&files, &nfiles, &capfiles,
				    sizeof(r.file), &r.file);
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	close(fd);
	return total;
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* cold passes: this many MiB written between passes, as a refresh's
 * dumps and the rest of the machine do between two of them */
static size_t cold_mib;
static char *cold;

static void evict(void)
{
	size_t i;

	for (i = 0; i < cold_mib << 20; i += 64)
		cold[i]++;
}

/* where the .bss variable name lies in base (the .bss mapped), or NULL */
static void *bss_var(struct bpf_object *obj, char *base, const char *name)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *v;
	const struct btf_type *t;
	int id, i;

	if (!btf || !base)
		return NULL;
	id = btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC);
	if (id < 0)
		return NULL;
	t = btf__type_by_id(btf, id);
	v = btf_var_secinfos(t);
	for (i = 0; i < btf_vlen(t); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name) == 0)
			return base + v->offset;
	}
	return NULL;
}

static void measure(const char *obj, int link, int n, char *buf,
		    const char *how, uint64_t *skipped)
{
	double t0, t = 0;
	long bytes = pass(link, buf, 0);	/* warm */
	int i;

	if (skipped)
		*skipped = 0;
	for (i = 0; i < n; i++) {
		if (cold)
			evict();
		t0 = cpu_ms();
		pass(link, buf, 0);
		t += cpu_ms() - t0;
	}
	printf("%s %s%s: %.2f ms CPU a pass (%d passes), %ld bytes a pass",
	       obj, how, cold ? " cold" : "", t / n, n, bytes);
	if (skipped)
		printf(", %llu slots skipped a pass",
		       (unsigned long long)*skipped / (unsigned long long)(n));
	printf("\n");
	fflush(stdout);
}

static char vlog[1 << 20];

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	char *buf = malloc(BUF);
	int n, a;

	if (argc < 3 || !buf) {
		fprintf(stderr, "usage: passbpf N[cMiB] OBJ...\n");
		return 2;
	}
	n = atoi(argv[1]);
	if (strchr(argv[1], 'c')) {
		cold_mib = strtoul(strchr(argv[1], 'c') + 1, NULL, 10);
		cold = cold_mib ? calloc(cold_mib, 1 << 20) : NULL;
	}
	read_net("tcp", 0x0a);
	read_net("tcp6", 0x0a);
	read_net("udp", 0x07);
	read_net("udp6", 0x07);
	qsort(want, nwant, sizeof(*want), cmp_u32);
	printf("wanted: %zu listening sockets\n", nwant);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	/* PASSBPF_STATS=1: the verifier's statistics of each program */
	if (getenv("PASSBPF_STATS")) {
		oo.kernel_log_buf = vlog;
		oo.kernel_log_size = sizeof(vlog);
		oo.kernel_log_level = 4;
	}
	for (a = 2; a < argc; a++) {
		char *colon = strrchr(argv[a], ':');
		int one_bit = colon && strcmp(colon, ":1") == 0;
		struct bpf_object *obj;

		if (one_bit)
			*colon = '\0';
		obj = bpf_object__open_file(argv[a], &oo);
		struct bpf_program *prog;
		struct bpf_link *link;
		struct bpf_map *bss;
		struct timespec v0, v1;
		char *base;
		uint32_t *on;
		uint64_t *bits, *skipped;
		size_t i;

		clock_gettime(CLOCK_MONOTONIC, &v0);
		if (!obj || bpf_object__load(obj)) {
			printf("%s: the kernel refuses it\n", argv[a]);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &v1);
		printf("%s: loaded in %.1f ms\n%s", argv[a],
		       (v1.tv_sec - v0.tv_sec) * 1e3 +
			       (v1.tv_nsec - v0.tv_nsec) / 1e6, vlog);
		prog = bpf_object__next_program(obj, NULL);
		link = bpf_program__attach_iter(prog, NULL);
		if (!link) {
			printf("%s: cannot attach\n", argv[a]);
			continue;
		}
		/* libbpf maps the kernel's .bss only for a skeleton */
		bss = bpf_object__find_map_by_name(obj, ".bss");
		base = bss ? mmap(NULL, bpf_map__value_size(bss),
				  PROT_READ | PROT_WRITE, MAP_SHARED,
				  bpf_map__fd(bss), 0) : MAP_FAILED;
		if (base == MAP_FAILED)
			base = NULL;
		on = bss_var(obj, base, "filter_on");
		bits = bss_var(obj, base, "filter_bits");
		skipped = bss_var(obj, base, "nr_skipped");
		if (on)
			*on = 0;
		nfiles = 0;
		pass(bpf_link__fd(link), buf, 1);
		measure(argv[a], bpf_link__fd(link), n, buf, "unfiltered",
			NULL);
		if (on && bits && skipped) {
			memset(bits, 0, PORTTOP_FILTER_WORDS * sizeof(*bits));
			for (i = 0; i < nfiles; i++) {
				uint64_t h = porttop_file_hash(files[i]);
				int k;

				for (k = 0; k < 2 - one_bit; k++) {
					uint32_t bit = porttop_file_bit(h, k);

					bits[bit / 64] |= 1ULL << (bit % 64);
				}
			}
			*on = 1;
			printf("%s: filter of %zu socket fds\n", argv[a],
			       nfiles);
			measure(argv[a], bpf_link__fd(link), n, buf,
				"filtered", skipped);
		}
		bpf_link__destroy(link);
		bpf_object__close(obj);
	}
	return 0;
}
