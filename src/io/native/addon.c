/* JavaScript side of the v6edge I/O addon: N-API functions, one uv_poll_t per socket driving a JS
 * callback from the Node event loop, and socket lifetime. Syscalls live in sockets.c. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "sockets.h"

/* Room for the largest IPv6 payload or Ethernet frame; anything longer is truncated. */
#define RECV_BUFFER 65600
/* Reads per readable event. libuv polls level-triggered, so what is left raises the next event
 * and a flood on one socket cannot starve the rest of the loop. */
#define READS_PER_EVENT 64
#define MAX_FILTER 4096

enum { KIND_ICMP6, KIND_PACKET, KIND_NETLINK };
/* Multicast groups a netlink subscription may join at once. */
#define MAX_GROUPS 32

typedef struct {
  int fd;
  int ifindex;
  int kind;
  int closed;
  int lost; /* netlink: the kernel dropped events; reported once the backlog is read */
  napi_env env;
  napi_ref self;     /* keeps the JS handle alive while the socket is open */
  napi_ref callback; /* (error, bytes, ...) per received packet */
  napi_async_context async;
  uv_poll_t poll;
  uint8_t buf[RECV_BUFFER];
} v6_socket;

#define CHECK(call)                                   \
  do {                                                \
    if ((call) != napi_ok) return throw_last(env);    \
  } while (0)

static napi_value throw_last(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) {
    const napi_extended_error_info *info = NULL;
    napi_get_last_error_info(env, &info);
    napi_throw_error(env, "EINVAL",
                     info != NULL && info->error_message != NULL ? info->error_message
                                                                 : "invalid argument");
  }
  return NULL;
}

/* An Error carrying `code` (errno name), `errno` and `syscall` (the step that failed); raw.ts turns
 * it into a sentence an operator can act on. */
static napi_value errno_error(napi_env env, int err, const char *step) {
  napi_value code, message, error, number, syscall;
  char text[256];
  snprintf(text, sizeof text, "%s: %s", step, strerror(err));
  napi_create_string_utf8(env, uv_err_name(-err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_create_int32(env, err, &number);
  napi_create_string_utf8(env, step, NAPI_AUTO_LENGTH, &syscall);
  napi_set_named_property(env, error, "code", code);
  napi_set_named_property(env, error, "errno", number);
  napi_set_named_property(env, error, "syscall", syscall);
  return error;
}

static napi_value throw_errno(napi_env env, int err, const char *step) {
  napi_throw(env, errno_error(env, err, step));
  return NULL;
}

static bool get_bytes(napi_env env, napi_value value, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, len, &raw, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, "EINVAL", "expected a Uint8Array");
    return false;
  }
  *data = raw;
  return true;
}

static bool get_address(napi_env env, napi_value value, uint8_t **data) {
  size_t len;
  if (!get_bytes(env, value, data, &len)) return false;
  if (len != 16) {
    napi_throw_type_error(env, "EINVAL", "an IPv6 address is 16 bytes");
    return false;
  }
  return true;
}

/* Reads a string argument that must fit `out` whole; with `optional`, undefined and null read as
 * absent. Returns false with an exception pending on error. */
static bool get_string(napi_env env, napi_value value, char *out, size_t size, bool optional,
                       bool *present) {
  napi_valuetype type;
  size_t len;
  napi_typeof(env, value, &type);
  *present = type == napi_string;
  if (optional && (type == napi_undefined || type == napi_null)) return true;
  /* Asking for the length first tells a name that fits from one that would be cut short. */
  if (type != napi_string || napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok ||
      len == 0 || len >= size) {
    napi_throw_type_error(env, "EINVAL", "expected a non-empty string that fits the kernel's limit");
    return false;
  }
  napi_get_value_string_utf8(env, value, out, size, &len);
  return true;
}

static void on_poll_closed(uv_handle_t *handle) {
  v6_socket *s = handle->data;
  close(s->fd);
  free(s);
}

/* Stops delivery and releases the JS references; the fd closes once libuv lets go of the poll. */
static void release(napi_env env, v6_socket *s, bool env_alive) {
  if (s->closed) return;
  s->closed = 1;
  uv_poll_stop(&s->poll);
  if (env_alive) {
    napi_delete_reference(env, s->callback);
    napi_delete_reference(env, s->self);
    napi_async_destroy(env, s->async);
  }
  uv_close((uv_handle_t *)&s->poll, on_poll_closed);
}

/* Runs only when the environment is torn down with the socket still open (the self reference
 * keeps an open socket from being collected). */
static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  release(env, data, false);
}

static void deliver(v6_socket *s, size_t argc, napi_value *argv) {
  napi_env env = s->env;
  napi_value callback, receiver;
  napi_get_reference_value(env, s->callback, &callback);
  /* make_callback needs an object as `this`; the JS side never looks at it. */
  napi_get_global(env, &receiver);
  /* make_callback, not call_function: runs queued microtasks afterwards, as for any I/O callback. */
  if (napi_make_callback(env, s->async, receiver, callback, argc, argv, NULL) == napi_pending_exception) {
    napi_value exception;
    napi_get_and_clear_last_exception(env, &exception);
    napi_fatal_exception(env, exception);
  }
}

static void deliver_error(v6_socket *s, int err, const char *step) {
  napi_value argv[1] = {errno_error(s->env, err, step)};
  deliver(s, 1, argv);
}

static void deliver_packet(v6_socket *s, size_t n, const v6_icmp6_meta *meta, int ifindex) {
  napi_env env = s->env;
  napi_value argv[6];
  void *copy;
  napi_get_null(env, &argv[0]);
  napi_create_buffer_copy(env, n, s->buf, &copy, &argv[1]);
  if (s->kind == KIND_NETLINK) {
    deliver(s, 2, argv);
    return;
  }
  if (s->kind == KIND_PACKET) {
    napi_create_int32(env, ifindex, &argv[2]);
    deliver(s, 3, argv);
    return;
  }
  napi_create_buffer_copy(env, 16, meta->source, &copy, &argv[2]);
  napi_create_buffer_copy(env, 16, meta->destination, &copy, &argv[3]);
  napi_create_int32(env, meta->ifindex, &argv[4]);
  napi_create_int32(env, meta->hop_limit, &argv[5]);
  deliver(s, 6, argv);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  v6_socket *s = poll->data;
  napi_handle_scope scope;
  napi_open_handle_scope(s->env, &scope);
  if (status < 0 && s->kind == KIND_NETLINK) {
    /* A netlink socket that overflowed reports POLLERR, on which libuv stops the poll. The pending
     * error is ENOBUFS: reading clears it and the subscription goes on (see `lost`). */
    if (recv(s->fd, s->buf, sizeof s->buf, MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != ENOBUFS)
      deliver_error(s, errno, "recv");
    s->lost = 1;
    if (!s->closed) uv_poll_start(&s->poll, UV_READABLE, on_readable);
  } else if (status < 0) {
    deliver_error(s, -status, "poll");
  } else {
    for (int i = 0; i < READS_PER_EVENT && !s->closed; i++) {
      v6_icmp6_meta meta;
      int ifindex = 0;
      ssize_t n = s->kind == KIND_ICMP6    ? v6_icmp6_recv(s->fd, s->buf, sizeof s->buf, &meta)
                  : s->kind == KIND_PACKET ? v6_packet_recv(s->fd, s->buf, sizeof s->buf, &ifindex)
                                           : recv(s->fd, s->buf, sizeof s->buf, 0);
      if (n < 0) {
        if (errno == ENOBUFS) {
          s->lost = 1;
          continue;
        }
        /* The kernel drops every event while the queue stays congested and says so only once,
         * so the loss is reported when the backlog is read: a resync from then on misses nothing. */
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && s->lost) {
          s->lost = 0;
          deliver_error(s, ENOBUFS, "recv");
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          deliver_error(s, errno, "recvmsg");
        }
        break;
      }
      deliver_packet(s, (size_t)n, &meta, ifindex);
    }
  }
  napi_close_handle_scope(s->env, scope);
}

/* Wraps a freshly opened fd in a JS handle `{ ifindex }` and starts polling it. */
static napi_value adopt(napi_env env, int fd, int ifindex, int kind, napi_value callback) {
  v6_socket *s = calloc(1, sizeof *s);
  if (s == NULL) {
    close(fd);
    return throw_errno(env, ENOMEM, "calloc");
  }
  s->fd = fd;
  s->ifindex = ifindex;
  s->kind = kind;
  s->env = env;
  s->poll.data = s;
  uv_loop_t *loop;
  napi_value handle, index, name;
  int rc;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || (rc = uv_poll_init_socket(loop, &s->poll, fd)) < 0) {
    close(fd);
    free(s);
    return throw_errno(env, EINVAL, "uv_poll_init_socket");
  }
  napi_create_object(env, &handle);
  napi_create_int32(env, ifindex, &index);
  napi_set_named_property(env, handle, "ifindex", index);
  napi_create_string_utf8(env, kind == KIND_ICMP6 ? "v6edge:icmp6" : kind == KIND_PACKET ? "v6edge:packet" : "v6edge:netlink",
                          NAPI_AUTO_LENGTH, &name);
  napi_wrap(env, handle, s, finalize, NULL, NULL);
  napi_create_reference(env, handle, 1, &s->self);
  napi_create_reference(env, callback, 1, &s->callback);
  napi_async_init(env, handle, name, &s->async);
  if ((rc = uv_poll_start(&s->poll, UV_READABLE, on_readable)) < 0) {
    napi_remove_wrap(env, handle, NULL);
    release(env, s, true);
    return throw_errno(env, -rc, "uv_poll_start");
  }
  return handle;
}

static v6_socket *open_socket_arg(napi_env env, napi_value handle) {
  void *data = NULL;
  if (napi_unwrap(env, handle, &data) != napi_ok || data == NULL) {
    napi_throw_error(env, "ERR_SOCKET_CLOSED", "the socket is closed");
    return NULL;
  }
  return data;
}

/* openIcmp6(ifname, netnsPath | undefined, types: Uint8Array, onMessage) → handle */
static napi_value open_icmp6(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  char ifname[IF_NAMESIZE], netns[PATH_MAX];
  bool has_ifname, has_netns;
  uint8_t *types;
  size_t ntypes;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!get_string(env, argv[0], ifname, sizeof ifname, false, &has_ifname)) return NULL;
  if (!get_string(env, argv[1], netns, sizeof netns, true, &has_netns)) return NULL;
  if (!get_bytes(env, argv[2], &types, &ntypes)) return NULL;
  v6_fail fail;
  int ifindex = 0;
  int fd = v6_open_icmp6(has_netns ? netns : NULL, ifname, types, ntypes, &ifindex, &fail);
  if (fd < 0) return throw_errno(env, fail.err, fail.step);
  return adopt(env, fd, ifindex, KIND_ICMP6, argv[3]);
}

static bool get_u32(napi_env env, napi_value object, const char *key, uint32_t *out) {
  napi_value value;
  return napi_get_named_property(env, object, key, &value) == napi_ok &&
         napi_get_value_uint32(env, value, out) == napi_ok;
}

/* Reads a BPF program given as {code, jt, jf, k}[] into `prog`; false with an exception pending. */
static bool get_filter(napi_env env, napi_value array, struct sock_filter *prog, uint32_t *count) {
  if (napi_get_array_length(env, array, count) != napi_ok || *count == 0 || *count > MAX_FILTER) {
    throw_errno(env, EINVAL, "filter length");
    return false;
  }
  for (uint32_t i = 0; i < *count; i++) {
    napi_value insn;
    uint32_t code, jt, jf, k;
    if (napi_get_element(env, array, i, &insn) != napi_ok || !get_u32(env, insn, "code", &code) ||
        !get_u32(env, insn, "jt", &jt) || !get_u32(env, insn, "jf", &jf) || !get_u32(env, insn, "k", &k) ||
        code > 0xffff || jt > 0xff || jf > 0xff) {
      throw_errno(env, EINVAL, "filter instruction");
      return false;
    }
    prog[i] = (struct sock_filter){(uint16_t)code, (uint8_t)jt, (uint8_t)jf, k};
  }
  return true;
}

/* openPacket(ifname, netnsPath | undefined, filter: {code, jt, jf, k}[], allMulticast, onFrame) */
static napi_value open_packet(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  char ifname[IF_NAMESIZE], netns[PATH_MAX];
  bool has_ifname, has_netns, all_multicast;
  uint32_t count;
  struct sock_filter prog[MAX_FILTER];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!get_string(env, argv[0], ifname, sizeof ifname, false, &has_ifname)) return NULL;
  if (!get_string(env, argv[1], netns, sizeof netns, true, &has_netns)) return NULL;
  CHECK(napi_get_value_bool(env, argv[3], &all_multicast));
  if (!get_filter(env, argv[2], prog, &count)) return NULL;
  v6_fail fail;
  int ifindex = 0;
  int fd = v6_open_packet(has_netns ? netns : NULL, ifname, prog, (unsigned short)count,
                          all_multicast, &ifindex, &fail);
  if (fd < 0) return throw_errno(env, fail.err, fail.step);
  return adopt(env, fd, ifindex, KIND_PACKET, argv[4]);
}

/* icmp6Send(handle, bytes, destination: Uint8Array(16), source?: Uint8Array(16)) */
static napi_value icmp6_send(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  uint8_t *data, *destination, *source = NULL;
  size_t len;
  napi_valuetype type;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v6_socket *s = open_socket_arg(env, argv[0]);
  if (s == NULL || !get_bytes(env, argv[1], &data, &len) || !get_address(env, argv[2], &destination))
    return NULL;
  CHECK(napi_typeof(env, argv[3], &type));
  if (type != napi_undefined && !get_address(env, argv[3], &source)) return NULL;
  if (v6_icmp6_send(s->fd, s->ifindex, data, len, destination, source) < 0)
    return throw_errno(env, errno, "sendmsg");
  return NULL;
}

/* membership(handle, group: Uint8Array(16), join: boolean) */
static napi_value membership(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  uint8_t *group;
  bool join;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v6_socket *s = open_socket_arg(env, argv[0]);
  if (s == NULL || !get_address(env, argv[1], &group)) return NULL;
  CHECK(napi_get_value_bool(env, argv[2], &join));
  v6_fail fail;
  if (v6_membership(s->fd, s->ifindex, group, join, &fail) < 0) return throw_errno(env, fail.err, fail.step);
  return NULL;
}

/* packetSend(handle, frame) — the frame goes out of the interface the socket is bound to. */
static napi_value packet_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint8_t *frame;
  size_t len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v6_socket *s = open_socket_arg(env, argv[0]);
  if (s == NULL || !get_bytes(env, argv[1], &frame, &len)) return NULL;
  if (send(s->fd, frame, len, 0) < 0) return throw_errno(env, errno, "send");
  return NULL;
}

/* close(handle) — idempotent; afterwards the handle no longer keeps the process alive. */
static napi_value close_socket(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (napi_remove_wrap(env, argv[0], &data) == napi_ok && data != NULL) release(env, data, true);
  return NULL;
}

static bool get_netlink_target(napi_env env, napi_value *argv, int *protocol, char *netns, bool *has_netns) {
  if (napi_get_value_int32(env, argv[0], protocol) != napi_ok || *protocol < 0) {
    napi_throw_type_error(env, "EINVAL", "expected a netlink protocol number");
    return false;
  }
  return get_string(env, argv[1], netns, PATH_MAX, true, has_netns);
}

/* netlinkOpen(protocol, netnsPath | undefined) → fd: a blocking socket for requests and dumps,
 * driven synchronously by netlinkSend/netlinkRecv (the kernel answers from within the syscall). */
static napi_value netlink_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], fd_value;
  char netns[PATH_MAX];
  bool has_netns;
  int protocol;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!get_netlink_target(env, argv, &protocol, netns, &has_netns)) return NULL;
  v6_fail fail;
  int fd = v6_open_netlink(has_netns ? netns : NULL, protocol, NULL, 0, NULL, 0, &fail);
  if (fd < 0) return throw_errno(env, fail.err, fail.step);
  CHECK(napi_create_int32(env, fd, &fd_value));
  return fd_value;
}

/* netlinkSubscribe(protocol, netnsPath | undefined, groups: number[], filter | undefined, onMessage)
 * → handle: one callback per datagram, (error) when the kernel dropped events (ENOBUFS). The
 * optional BPF program ({code, jt, jf, k}[]) drops datagrams in the kernel, before they are queued. */
static napi_value netlink_subscribe(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  char netns[PATH_MAX];
  bool has_netns;
  int protocol;
  uint32_t count, groups[MAX_GROUPS], prog_len = 0;
  struct sock_filter prog[MAX_FILTER];
  napi_valuetype filter_type;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!get_netlink_target(env, argv, &protocol, netns, &has_netns)) return NULL;
  CHECK(napi_get_array_length(env, argv[2], &count));
  if (count == 0 || count > MAX_GROUPS) return throw_errno(env, EINVAL, "netlink groups");
  for (uint32_t i = 0; i < count; i++) {
    napi_value g;
    CHECK(napi_get_element(env, argv[2], i, &g));
    CHECK(napi_get_value_uint32(env, g, &groups[i]));
  }
  CHECK(napi_typeof(env, argv[3], &filter_type));
  if (filter_type != napi_undefined && !get_filter(env, argv[3], prog, &prog_len)) return NULL;
  v6_fail fail;
  int fd = v6_open_netlink(has_netns ? netns : NULL, protocol, groups, count, prog, (unsigned short)prog_len, &fail);
  if (fd < 0) return throw_errno(env, fail.err, fail.step);
  return adopt(env, fd, 0, KIND_NETLINK, argv[4]);
}

static bool get_fd(napi_env env, napi_value value, int *fd) {
  if (napi_get_value_int32(env, value, fd) != napi_ok || *fd < 0) {
    napi_throw_type_error(env, "EINVAL", "expected a netlink socket descriptor");
    return false;
  }
  return true;
}

/* netlinkSend(fd, bytes) — one datagram: one or more netlink messages. */
static napi_value netlink_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint8_t *data;
  size_t len;
  int fd;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!get_fd(env, argv[0], &fd) || !get_bytes(env, argv[1], &data, &len)) return NULL;
  if (v6_netlink_send(fd, data, len) < 0) return throw_errno(env, errno, "sendto(netlink)");
  return NULL;
}

/* One netlinkSendAsync: the datagram (kept alive by a reference) and what the send returned. */
typedef struct {
  napi_async_work work;
  napi_ref bytes;
  napi_ref callback;
  int fd;
  const uint8_t *data;
  size_t len;
  int err;
} send_job;

static void send_execute(napi_env env, void *p) {
  (void)env;
  send_job *job = p;
  job->err = v6_netlink_send(job->fd, job->data, job->len) < 0 ? errno : 0;
}

static void send_complete(napi_env env, napi_status status, void *p) {
  send_job *job = p;
  napi_value callback, global, arg;
  if (napi_get_reference_value(env, job->callback, &callback) == napi_ok && napi_get_global(env, &global) == napi_ok) {
    int err = status == napi_cancelled ? ECANCELED : job->err;
    if (err == 0) napi_get_null(env, &arg);
    else arg = errno_error(env, err, "sendto(netlink)");
    napi_call_function(env, global, callback, 1, &arg, NULL);
  }
  napi_delete_reference(env, job->bytes);
  napi_delete_reference(env, job->callback);
  napi_delete_async_work(env, job->work);
  free(job);
}

/* netlinkSendAsync(fd, bytes, callback(error | null)) — netlinkSend on a libuv pool thread. The
 * kernel does a request's whole work inside sendmsg (a 32 KiB datagram of route adds, an
 * nf_tables transaction), so the thread is free meanwhile: a second request socket, or the
 * JavaScript that encodes the next datagram, runs beside it. The answers queue on the socket
 * for netlinkRecv. `bytes` must not change until the callback. */
static napi_value netlink_send_async(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], name;
  napi_valuetype callback_type;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  send_job *job = calloc(1, sizeof *job);
  if (job == NULL) return throw_errno(env, ENOMEM, "calloc");
  uint8_t *data;
  if (!get_fd(env, argv[0], &job->fd) || !get_bytes(env, argv[1], &data, &job->len)) {
    free(job);
    return NULL;
  }
  job->data = data;
  if (napi_typeof(env, argv[2], &callback_type) != napi_ok || callback_type != napi_function) {
    free(job);
    napi_throw_type_error(env, "EINVAL", "expected a callback");
    return NULL;
  }
  CHECK(napi_create_reference(env, argv[1], 1, &job->bytes));
  CHECK(napi_create_reference(env, argv[2], 1, &job->callback));
  CHECK(napi_create_string_utf8(env, "v6edge:netlinkSend", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, send_execute, send_complete, job, &job->work));
  CHECK(napi_queue_async_work(env, job->work));
  return NULL;
}

/* netlinkRecv(fd, buffer, timeoutMs) → bytes read into `buffer`, 0 when nothing came in time. */
static napi_value netlink_recv(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  uint8_t *data;
  size_t len;
  int fd, timeout;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!get_fd(env, argv[0], &fd) || !get_bytes(env, argv[1], &data, &len)) return NULL;
  CHECK(napi_get_value_int32(env, argv[2], &timeout));
  ssize_t n = v6_netlink_recv(fd, data, len, timeout);
  if (n < 0) return throw_errno(env, errno, "recv(netlink)");
  CHECK(napi_create_int32(env, (int32_t)n, &result));
  return result;
}

/* netlinkClose(fd) */
static napi_value netlink_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int fd;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!get_fd(env, argv[0], &fd)) return NULL;
  close(fd);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"openIcmp6", NULL, open_icmp6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openPacket", NULL, open_packet, NULL, NULL, NULL, napi_enumerable, NULL},
      {"icmp6Send", NULL, icmp6_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"membership", NULL, membership, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetSend", NULL, packet_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"netlinkOpen", NULL, netlink_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"netlinkSubscribe", NULL, netlink_subscribe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"netlinkSend", NULL, netlink_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"netlinkSendAsync", NULL, netlink_send_async, NULL, NULL, NULL, napi_enumerable, NULL},
      {"netlinkRecv", NULL, netlink_recv, NULL, NULL, NULL, napi_enumerable, NULL},
      {"netlinkClose", NULL, netlink_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
