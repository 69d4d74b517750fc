/* fuzz_proc.c - libFuzzer target: the /proc record parsers and the cgroup
 * path reader */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "fuzz.h"
#include "procparse.h"

static void check_context(const struct context *c)
{
	if (!memchr(c->unit, '\0', sizeof(c->unit)) ||
	    !memchr(c->runtime, '\0', sizeof(c->runtime)) ||
	    !memchr(c->id, '\0', sizeof(c->id)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct proc_stat st;
	struct context ctx;
	const char *cg;
	uint32_t u32;
	size_t plen;
	char *str;
	int pid;

	if (procparse_stat(buf, size, &st)) {
		if (st.comm_len >= sizeof(st.comm) ||
		    st.comm[st.comm_len] != '\0')
			abort();
	}
	procparse_socket_link(buf, size, &u32);
	procparse_status_uid(buf, size, &u32);

	cg = procparse_cgroup_v2(buf, size, &plen);
	if (cg) {
		if (cg < buf || cg + plen > buf + size)
			abort();
		context_from_cgroup(cg, plen, &ctx);
		check_context(&ctx);
	}
	context_from_cgroup(buf, size, &ctx);
	check_context(&ctx);

	str = malloc(size + 1);
	if (!str)
		abort();
	memcpy(str, data, size);
	str[size] = '\0';
	pid = procparse_pid(str);
	if (pid < -1)
		abort();
	free(str);
	return 0;
}
