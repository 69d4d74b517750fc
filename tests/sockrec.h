/* sockrec.h - hand-built socket records for the tests of the model and
 * of --why */
#ifndef PORTTOP_TESTS_SOCKREC_H
#define PORTTOP_TESTS_SOCKREC_H

#include <criterion/criterion.h>
#include <arpa/inet.h>

#include "sock.h"

/* Socket inode (also its cookie) of protocol proto in TCP state state, on
 * addr (IPv4 or IPv6 text; an IPv6 one with IPV6_V6ONLY v6only) and port. */
static inline struct sock_rec sockrec(uint32_t inode, uint8_t proto,
				      const char *addr, uint16_t port,
				      uint8_t state, int8_t v6only)
{
	struct sock_rec s = { .inode = inode, .cookie = inode, .proto = proto,
			      .port = port, .state = state };

	if (inet_pton(AF_INET, addr, s.addr) == 1) {
		s.family = AF_INET;
		s.v6only = -1;
	} else {
		cr_assert_eq(inet_pton(AF_INET6, addr, s.addr), 1, "%s", addr);
		s.family = AF_INET6;
		s.v6only = v6only;
	}
	return s;
}

#endif
