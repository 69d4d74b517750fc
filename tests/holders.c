/* holders.c - test helpers: real sockets and what holds them */
#include "config.h"
#include "holders.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "owners.h"
#include "owners_bpf.h"

uint32_t inode_of(int fd)
{
	struct stat st;

	cr_assert_eq(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

struct owners *bpf_owners_or_skip(void)
{
	struct owners *o = owners_new("/proc");
	const char *why = NULL;
	int rc;

	cr_assert_not_null(o);
	rc = owners_set_scan(o, OWNER_SCAN_BPF, NULL, &why);
	if (rc < 0) {
		owners_free(o);
		cr_skip_test("no BPF owner scan here: %s (%s)", why,
			     strerror(-rc));
	}
	cr_assert(owners_bpf_active(o));
	return o;
}

void fork_holders(int n, pid_t *pids, int *pipe_wr)
{
	int p[2], i;
	char c;

	cr_assert_eq(pipe(p), 0);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		cr_assert_geq(pids[i], 0);
		if (pids[i] == 0) {
			close(p[1]);
			while (read(p[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
	close(p[0]);
	*pipe_wr = p[1];
}

void reap_holders(int pipe_wr, const pid_t *pids, int n)
{
	int i;

	close(pipe_wr);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
}

/* arg: sync pipe [0] [1], [2] tid or -errno, hold pipe [3] [4]. No
 * assertion here: Criterion asserts in the test's own thread only. */
static void *own_fds_thread(void *data)
{
	int *p = data;
	char c;

	/* a copy of the fd table that only this thread uses from now on */
	if (unshare(CLONE_FILES) < 0)
		p[2] = -errno;
	p[2] = p[2] ? p[2] : (int)gettid();
	close(p[4]);	/* our copy of the write end: EOF must come */
	if (write(p[1], "x", 1) != 1)
		p[2] = -EIO;
	while (read(p[3], &c, 1) > 0)
		;
	return NULL;
}

void own_fds_start(struct own_fds *t)
{
	int sync[2], hold[2];
	char c;

	cr_assert_eq(pipe(sync), 0);
	cr_assert_eq(pipe(hold), 0);
	t->arg[0] = sync[0];
	t->arg[1] = sync[1];
	t->arg[2] = 0;
	t->arg[3] = hold[0];
	t->arg[4] = hold[1];
	cr_assert_eq(pthread_create(&t->thread, NULL, own_fds_thread, t->arg),
		     0);
	cr_assert_eq(read(sync[0], &c, 1), 1);
	cr_assert_gt(t->arg[2], 0, "unshare(CLONE_FILES): %s",
		     strerror(-t->arg[2]));
	t->tid = t->arg[2];
}

void own_fds_stop(struct own_fds *t)
{
	close(t->arg[4]);
	pthread_join(t->thread, NULL);
	close(t->arg[0]);
	close(t->arg[1]);
	close(t->arg[3]);
}

/* A message of one byte, c, with room for one fd (aligned, cmsg(3)). */
struct fd_msg {
	struct msghdr msg;
	struct iovec iov;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	char c;
};

static void fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->iov.iov_base = &m->c;
	m->iov.iov_len = 1;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->cbuf.buf;
	m->msg.msg_controllen = sizeof(m->cbuf.buf);
}

void send_fd(int over, int fd)
{
	struct fd_msg m;
	struct cmsghdr *cm;

	fd_msg_init(&m);
	cm = CMSG_FIRSTHDR(&m.msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	cr_assert_eq(sendmsg(over, &m.msg, 0), 1);
}

int recv_fd(int over)
{
	struct fd_msg m;
	struct cmsghdr *cm;
	int fd;

	fd_msg_init(&m);
	if (recvmsg(over, &m.msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m.msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

pid_t fork_receiver(const int sv[2], int at, const int *drop, size_t n,
		    int *ready)
{
	int done[2], fd;
	size_t i;
	pid_t kid;
	char c;

	cr_assert_eq(pipe(done), 0);
	kid = fork();
	cr_assert_geq(kid, 0);
	if (kid > 0) {
		close(done[1]);
		*ready = done[0];
		return kid;
	}
	for (i = 0; i < n; i++)
		close(drop[i]);
	close(sv[0]);
	close(done[0]);
	fd = recv_fd(sv[1]);
	/* the received fd goes before the parent scans: a scan must see
	 * the one holder at fd at, not race the close */
	if (fd < 0 || dup2(fd, at) != at)
		_exit(1);
	close(fd);
	if (write(done[1], "k", 1) != 1)
		_exit(1);
	while (read(sv[1], &c, 1) > 0)
		;
	_exit(0);
}
