/* owners_bpf_types.h - what every BPF program of porttop needs before its
 * kernel types: the integer types (no vmlinux.h, no kernel headers),
 * libbpf's helpers, and an iterator's meta argument. For BPF only. */
#ifndef PORTTOP_OWNERS_BPF_TYPES_H
#define PORTTOP_OWNERS_BPF_TYPES_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#include <bpf/bpf_helpers.h>

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

#endif
