/* holders.h - test helpers: real sockets and what holds them (forked
 * children, a thread with a fd table of its own, a message in flight),
 * for the tests of the owner scan against the real kernel */
#ifndef PORTTOP_TEST_HOLDERS_H
#define PORTTOP_TEST_HOLDERS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct owners;

/* The inode of fd (a socket's is what /proc shows as socket:[N]). */
uint32_t inode_of(int fd);

/* A BPF owner scanner, or skip the test saying why the kernel refuses
 * it. */
struct owners *bpf_owners_or_skip(void);

/* Fork n children that hold every fd we have until *pipe_wr is closed;
 * reap_holders() closes it and waits for them. */
void fork_holders(int n, pid_t *pids, int *pipe_wr);
void reap_holders(int pipe_wr, const pid_t *pids, int n);

/* A thread that unshared its fd table (CLONE_FILES): it holds a copy of
 * every fd we had when own_fds_start() returned, even after we close
 * ours, until own_fds_stop(). */
struct own_fds {
	pthread_t thread;
	pid_t tid;		/* the thread's id, the holder's tid */
	int arg[5];		/* sync pipe, tid or -errno, hold pipe */
};
void own_fds_start(struct own_fds *t);
void own_fds_stop(struct own_fds *t);

/* Send fd over the AF_UNIX socket over (SCM_RIGHTS, one byte): until it is
 * received, the message holds the socket and no fd table does. */
void send_fd(int over, int fd);

/* Receive an fd that send_fd() sent: the fd, or -1. Asserts nothing, so
 * that a forked child may call it. */
int recv_fd(int over);

/* Fork a child that closes the n fds of drop and sv[0], receives one fd
 * on sv[1] (send it with send_fd() on sv[0]), keeps it at fd at only and
 * holds it until sv[0] is closed. A byte comes on *ready once it does. */
pid_t fork_receiver(const int sv[2], int at, const int *drop, size_t n,
		    int *ready);

#endif
