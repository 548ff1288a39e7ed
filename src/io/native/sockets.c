/* Kernel side of the v6edge I/O addon: socket creation (optionally inside another network
 * namespace), multicast membership, and the per-packet recvmsg/sendmsg calls. */
#define _GNU_SOURCE
#include "sockets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <poll.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FAIL(name)       \
  do {                   \
    fail->err = errno;   \
    fail->step = (name); \
    goto fail;           \
  } while (0)

typedef int (*v6_opener)(void *args, int *ifindex, v6_fail *fail);

/* Runs `opener` with the calling thread inside the namespace at `path`, then moves the thread back.
 * setns(2) changes only the calling thread and a socket keeps the namespace it was created in, so
 * one process can own sockets in many namespaces. Interface names are resolved inside too. */
static int in_netns(const char *path, v6_opener opener, void *args, int *ifindex, v6_fail *fail) {
  if (path == NULL) return opener(args, ifindex, fail);
  int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) {
    fail->err = errno;
    fail->step = "open /proc/thread-self/ns/net";
    return -1;
  }
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    fail->err = errno;
    fail->step = "open netns";
    close(home);
    return -1;
  }
  if (setns(target, CLONE_NEWNET) < 0) {
    fail->err = errno;
    fail->step = "setns";
    close(target);
    close(home);
    return -1;
  }
  close(target);
  int fd = opener(args, ifindex, fail);
  if (setns(home, CLONE_NEWNET) < 0) {
    /* The main thread would stay in a foreign namespace and every later socket, file under /proc/net
     * and child process would silently use it: stopping is the only safe answer. */
    perror("v6io: cannot return to the original network namespace");
    abort();
  }
  close(home);
  return fd;
}

static int set_int(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

typedef struct {
  const char *ifname;
  const uint8_t *types;
  size_t ntypes;
} icmp6_args;

static int open_icmp6_here(void *raw, int *ifindex, v6_fail *fail) {
  icmp6_args *a = raw;
  int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0) {
    fail->err = errno;
    fail->step = "socket";
    return -1;
  }
  /* Filter first so nothing unwanted is queued while the rest is set up (RFC 3542 §3.2). */
  struct icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  for (size_t i = 0; i < a->ntypes; i++) ICMP6_FILTER_SETPASS(a->types[i], &filter);
  if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0) FAIL("ICMP6_FILTER");
  *ifindex = (int)if_nametoindex(a->ifname);
  if (*ifindex == 0) FAIL("if_nametoindex");
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, a->ifname, strlen(a->ifname)) < 0)
    FAIL("SO_BINDTODEVICE");
  if (set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0) FAIL("IPV6_RECVPKTINFO");
  if (set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0) FAIL("IPV6_RECVHOPLIMIT");
  /* Neighbor Discovery is sent with hop limit 255 so receivers can tell it was not forwarded
   * (RFC 4861 §6.1.1, §7.1.1). */
  if (set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) < 0) FAIL("IPV6_MULTICAST_HOPS");
  if (set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255) < 0) FAIL("IPV6_UNICAST_HOPS");
  if (set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, *ifindex) < 0) FAIL("IPV6_MULTICAST_IF");
  if (set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0) FAIL("IPV6_MULTICAST_LOOP");
  return fd;
fail:
  close(fd);
  return -1;
}

int v6_open_icmp6(const char *netns, const char *ifname, const uint8_t *types, size_t ntypes,
                  int *ifindex, v6_fail *fail) {
  icmp6_args args = {ifname, types, ntypes};
  return in_netns(netns, open_icmp6_here, &args, ifindex, fail);
}

typedef struct {
  const char *ifname;
  struct sock_fprog prog;
  int all_multicast;
} packet_args;

static int open_packet_here(void *raw, int *ifindex, v6_fail *fail) {
  packet_args *a = raw;
  /* Protocol 0 receives nothing until bind, so no frame slips in before the filter is attached. */
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fail->err = errno;
    fail->step = "socket";
    return -1;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &a->prog, sizeof a->prog) < 0)
    FAIL("SO_ATTACH_FILTER");
  *ifindex = (int)if_nametoindex(a->ifname);
  if (*ifindex == 0) FAIL("if_nametoindex");
  struct sockaddr_ll addr = {0};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_IPV6);
  addr.sll_ifindex = *ifindex;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) FAIL("bind");
  if (a->all_multicast) {
    struct packet_mreq mreq = {0};
    mreq.mr_ifindex = *ifindex;
    mreq.mr_type = PACKET_MR_ALLMULTI;
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0)
      FAIL("PACKET_ADD_MEMBERSHIP");
  }
  return fd;
fail:
  close(fd);
  return -1;
}

int v6_open_packet(const char *netns, const char *ifname, struct sock_filter *prog,
                   unsigned short prog_len, int all_multicast, int *ifindex, v6_fail *fail) {
  packet_args args = {ifname, {prog_len, prog}, all_multicast};
  return in_netns(netns, open_packet_here, &args, ifindex, fail);
}

int v6_membership(int fd, int ifindex, const uint8_t group[16], int join, v6_fail *fail) {
  struct ipv6_mreq mreq;
  memcpy(&mreq.ipv6mr_multiaddr, group, 16);
  mreq.ipv6mr_interface = (unsigned)ifindex;
  int option = join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP;
  if (setsockopt(fd, IPPROTO_IPV6, option, &mreq, sizeof mreq) < 0) {
    fail->err = errno;
    fail->step = join ? "IPV6_ADD_MEMBERSHIP" : "IPV6_DROP_MEMBERSHIP";
    return -1;
  }
  return 0;
}

ssize_t v6_icmp6_recv(int fd, uint8_t *buf, size_t len, v6_icmp6_meta *meta) {
  struct sockaddr_in6 from;
  struct iovec iov = {buf, len};
  union {
    char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = {0};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.bytes;
  msg.msg_controllen = sizeof control.bytes;
  ssize_t n = recvmsg(fd, &msg, 0);
  if (n < 0) return n;
  memcpy(meta->source, &from.sin6_addr, 16);
  memset(meta->destination, 0, 16);
  meta->ifindex = 0;
  meta->hop_limit = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != IPPROTO_IPV6) continue;
    if (c->cmsg_type == IPV6_PKTINFO) {
      struct in6_pktinfo info;
      memcpy(&info, CMSG_DATA(c), sizeof info);
      memcpy(meta->destination, &info.ipi6_addr, 16);
      meta->ifindex = (int)info.ipi6_ifindex;
    } else if (c->cmsg_type == IPV6_HOPLIMIT) {
      memcpy(&meta->hop_limit, CMSG_DATA(c), sizeof(int));
    }
  }
  return n;
}

ssize_t v6_icmp6_send(int fd, int ifindex, const uint8_t *data, size_t len,
                      const uint8_t destination[16], const uint8_t *source) {
  struct sockaddr_in6 to = {0};
  to.sin6_family = AF_INET6;
  memcpy(&to.sin6_addr, destination, 16);
  /* Link-local and multicast destinations need the zone; the socket is bound to this link anyway. */
  to.sin6_scope_id = (uint32_t)ifindex;
  struct iovec iov = {(void *)data, len};
  union {
    char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = {0};
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (source != NULL) {
    /* IPV6_PKTINFO picks the source address for this one packet (RFC 3542 §6.1). */
    memset(&control, 0, sizeof control);
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
    struct in6_pktinfo info = {0};
    memcpy(&info.ipi6_addr, source, 16);
    info.ipi6_ifindex = (unsigned)ifindex;
    memcpy(CMSG_DATA(c), &info, sizeof info);
  }
  return sendmsg(fd, &msg, 0);
}

ssize_t v6_packet_recv(int fd, uint8_t *buf, size_t len, int *ifindex) {
  struct sockaddr_ll from;
  socklen_t fromlen = sizeof from;
  ssize_t n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&from, &fromlen);
  if (n >= 0) *ifindex = from.sll_ifindex;
  return n;
}

typedef struct {
  int protocol;
  const uint32_t *groups;
  size_t ngroups;
  struct sock_filter *prog;
  unsigned short prog_len;
} netlink_args;

/* Room for a large batch's acknowledgements and a dump's bursts: the kernel drops what does not
 * fit (ENOBUFS), and a lost ack would leave a request unanswered. SO_*BUFFORCE needs
 * CAP_NET_ADMIN; without it the ordinary (capped) option is the fallback. */
#define NETLINK_RCVBUF (32 << 20)
#define NETLINK_SNDBUF (32 << 20)

static int open_netlink_here(void *raw, int *ifindex, v6_fail *fail) {
  netlink_args *a = raw;
  (void)ifindex;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | (a->ngroups > 0 ? SOCK_NONBLOCK : 0), a->protocol);
  if (fd < 0) {
    fail->err = errno;
    fail->step = "socket(AF_NETLINK)";
    return -1;
  }
  if (set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, NETLINK_RCVBUF) < 0 &&
      set_int(fd, SOL_SOCKET, SO_RCVBUF, NETLINK_RCVBUF) < 0)
    FAIL("SO_RCVBUF");
  if (set_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, NETLINK_SNDBUF) < 0 &&
      set_int(fd, SOL_SOCKET, SO_SNDBUF, NETLINK_SNDBUF) < 0)
    FAIL("SO_SNDBUF");
  /* Errors name the attribute the kernel refused, acks do not echo whole requests, and dumps
   * honour the filters in their request header (table, protocol) instead of ignoring them. */
  if (set_int(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1) < 0) FAIL("NETLINK_EXT_ACK");
  if (set_int(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1) < 0) FAIL("NETLINK_CAP_ACK");
  if (a->protocol == NETLINK_ROUTE && set_int(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1) < 0)
    FAIL("NETLINK_GET_STRICT_CHK");
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *)&local, sizeof local) < 0) FAIL("bind");
  /* The filter goes on before any group is joined, so no unwanted event is ever queued. */
  if (a->prog_len > 0) {
    struct sock_fprog fprog = {.len = a->prog_len, .filter = a->prog};
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) < 0) FAIL("SO_ATTACH_FILTER");
  }
  for (size_t i = 0; i < a->ngroups; i++)
    if (set_int(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, (int)a->groups[i]) < 0) FAIL("NETLINK_ADD_MEMBERSHIP");
  return fd;
fail:
  close(fd);
  return -1;
}

int v6_open_netlink(const char *netns, int protocol, const uint32_t *groups, size_t ngroups,
                    struct sock_filter *prog, unsigned short prog_len, v6_fail *fail) {
  netlink_args args = {protocol, groups, ngroups, prog, prog_len};
  int ifindex = 0;
  return in_netns(netns, open_netlink_here, &args, &ifindex, fail);
}

ssize_t v6_netlink_send(int fd, const uint8_t *data, size_t len) {
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  ssize_t n;
  do n = sendto(fd, data, len, 0, (struct sockaddr *)&kernel, sizeof kernel);
  while (n < 0 && errno == EINTR);
  return n;
}

ssize_t v6_netlink_recv(int fd, uint8_t *buf, size_t len, int timeout_ms) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  int ready;
  do ready = poll(&p, 1, timeout_ms);
  while (ready < 0 && errno == EINTR);
  if (ready <= 0) return ready;
  ssize_t n;
  do n = recv(fd, buf, len, 0);
  while (n < 0 && errno == EINTR);
  return n;
}
