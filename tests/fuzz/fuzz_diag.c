/* fuzz_diag.c - libFuzzer target: sock_diag datagrams and --record files */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "diag.h"
#include "fuzz.h"

static void check_records(const struct sock_vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->v[i].family != AF_INET && v->v[i].family != AF_INET6)
			abort();
}

static void walk(const uint8_t *data, size_t size, bool check_seq)
{
	struct sock_vec out = { NULL, 0, 0 };
	struct diag_walk w;
	void *copy;

	memset(&w, 0, sizeof(w));
	w.out = &out;
	w.proto = 6;
	w.check_seq = check_seq;
	if (check_seq && size >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;

		memcpy(&h, data, sizeof(h));
		w.seq = h.nlmsg_seq;
		w.portid = h.nlmsg_pid;
	}
	/* a received datagram is aligned: so is this copy */
	copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	diag_walk(&w, copy, size);
	if (w.malformed > size)
		abort();
	check_records(&out);
	sock_vec_release(&out);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = DIAG_RECORD_MAGIC;
	struct diag_replay_info info;
	struct sock_vec out = { NULL, 0, 0 };
	size_t mlen = sizeof(magic) - 1;
	uint8_t *rec;

	walk(data, size, false);
	walk(data, size, true);

	/* as a --record file, once as given and once behind the magic line
	 * so that the fuzzer need not find it */
	diag_replay(data, size, &out, &info);
	check_records(&out);
	sock_vec_release(&out);
	if (size >= mlen && memcmp(data, magic, mlen) == 0)
		return 0;
	rec = malloc(mlen + size);
	if (!rec)
		abort();
	memcpy(rec, magic, mlen);
	memcpy(rec + mlen, data, size);
	diag_replay(rec, mlen + size, &out, &info);
	check_records(&out);
	sock_vec_release(&out);
	free(rec);
	return 0;
}
