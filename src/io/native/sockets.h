/* Socket setup and per-packet syscalls for the v6edge I/O addon. No N-API here: addon.c owns the
 * JavaScript side, this file owns the kernel side. Every failure reports errno and the step. */
#ifndef V6IO_SOCKETS_H
#define V6IO_SOCKETS_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
  int err;          /* errno of the failed step */
  const char *step; /* the syscall or option that failed, e.g. "SO_BINDTODEVICE" */
} v6_fail;

typedef struct {
  uint8_t source[16];
  uint8_t destination[16];
  int ifindex;
  int hop_limit;
} v6_icmp6_meta;

/* Opens an ICMPv6 raw socket on `ifname`, inside the namespace at `netns` when non-NULL. */
int v6_open_icmp6(const char *netns, const char *ifname, const uint8_t *types, size_t ntypes,
                  int *ifindex, v6_fail *fail);

/* Opens an AF_PACKET socket on `ifname` that sees only frames `prog` accepts. */
int v6_open_packet(const char *netns, const char *ifname, struct sock_filter *prog,
                   unsigned short prog_len, int all_multicast, int *ifindex, v6_fail *fail);

int v6_membership(int fd, int ifindex, const uint8_t group[16], int join, v6_fail *fail);

ssize_t v6_icmp6_recv(int fd, uint8_t *buf, size_t len, v6_icmp6_meta *meta);
ssize_t v6_icmp6_send(int fd, int ifindex, const uint8_t *data, size_t len,
                      const uint8_t destination[16], const uint8_t *source);

ssize_t v6_packet_recv(int fd, uint8_t *buf, size_t len, int *ifindex);

/* Opens a netlink socket of `protocol` (NETLINK_ROUTE, NETLINK_NETFILTER), joined to `groups`
 * (non-blocking then, for an event subscription; blocking otherwise, for requests), with the
 * classic BPF program `prog` attached when `prog_len` > 0. */
int v6_open_netlink(const char *netns, int protocol, const uint32_t *groups, size_t ngroups,
                    struct sock_filter *prog, unsigned short prog_len, v6_fail *fail);
ssize_t v6_netlink_send(int fd, const uint8_t *data, size_t len);
/* Waits up to `timeout_ms` for one datagram; 0 when none came. */
ssize_t v6_netlink_recv(int fd, uint8_t *buf, size_t len, int timeout_ms);

#endif
