"""Alternative CORRECT implementations of every graded backward function (issue #27).

Three per function, each written differently from the worked solution (another order of
operations, a forward quantity recomputed, einsum instead of @, loops where cheap). Every
test cell must pass on each, and no relation or cause may be said about them.

    python bench/feedback_catalogue.py bench/catalogue_dev.py   (runs these too)
"""
from textwrap import dedent


def C(id, assignment, function, source):
    return {"id": id, "assignment": assignment, "function": function,
            "source": dedent(source).strip() + "\n"}


CORRECT = [
    # ------------------------------------------------------------------ staged
    C("staged_closed_form", "staged", "staged_backward", """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dden_dx = sigx * (1 - sigx) + 2 * xpy
          dden_dy = 2 * xpy
          dx = df * (den - num * dden_dx) / den ** 2
          dy = df * (sigy * (1 - sigy) * den - num * dden_dy) / den ** 2
          return dx, dy
      """),
    C("staged_recompute", "staged", "staged_backward", """
      def staged_backward(df, cache):
          x, y = cache[0], cache[1]
          sx, sy = sigmoid(x), sigmoid(y)
          n = x + sy
          d = sx + (x + y) ** 2
          inv = 1.0 / d
          dd = -df * n * inv * inv
          dx = df * inv + dd * (sx * (1 - sx) + 2 * (x + y))
          dy = df * inv * sy * (1 - sy) + dd * 2 * (x + y)
          return dx, dy
      """),
    C("staged_y_first", "staged", "staged_backward", """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dinvden = df * num
          dnum = df * invden
          dden = -dinvden * invden * invden
          dy = dnum * sigy * (1.0 - sigy)
          dy = dy + 2.0 * xpy * dden
          dx = dnum + dden * sigx * (1.0 - sigx)
          dx = dx + 2.0 * xpy * dden
          return dx, dy
      """),
    C("add_np_array", "staged", "add_backward", """
      def add_backward(dout, x, y):
          return np.array(dout, dtype=np.float64), np.array(dout, dtype=np.float64)
      """),
    C("add_times_ones", "staged", "add_backward", """
      def add_backward(dout, x, y):
          return dout * np.ones_like(x), np.ones_like(y) * dout
      """),
    C("add_copy_twice", "staged", "add_backward", """
      def add_backward(dout, x, y):
          dx = np.copy(dout)
          dy = dx.copy()
          return dx, dy
      """),
    C("mul_multiply", "staged", "mul_backward", """
      def mul_backward(dout, x, y):
          return np.multiply(y, dout), np.multiply(x, dout)
      """),
    C("mul_order", "staged", "mul_backward", """
      def mul_backward(dout, x, y):
          dy = x * dout
          dx = y * dout
          return dx, dy
      """),
    C("mul_loop", "staged", "mul_backward", """
      def mul_backward(dout, x, y):
          dx = np.empty_like(dout, dtype=np.float64)
          dy = np.empty_like(dout, dtype=np.float64)
          for i in np.ndindex(dout.shape):
              dx[i] = dout[i] * y[i]
              dy[i] = dout[i] * x[i]
          return dx, dy
      """),
    C("max_mask_mult", "staged", "max_backward", """
      def max_backward(dout, x, y):
          m = (x > y).astype(np.float64)
          return dout * m, dout * (1.0 - m)
      """),
    C("max_y_wins", "staged", "max_backward", """
      def max_backward(dout, x, y):
          y_wins = y > x
          return np.where(y_wins, 0.0, dout), np.where(y_wins, dout, 0.0)
      """),
    C("max_maximum", "staged", "max_backward", """
      def max_backward(dout, x, y):
          out = np.maximum(x, y)
          return np.where(out == x, dout, 0.0), np.where(out == y, dout, 0.0)
      """),
    # ------------------------------------------------------------------ sigmoid
    C("sig_einsum", "sigmoid", "sigmoid_layer_backward", """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1 - z)
          return np.einsum("hd,h->d", W, da), np.einsum("h,d->hd", da, x)
      """),
    C("sig_recompute", "sigmoid", "sigmoid_layer_backward", """
      def sigmoid_layer_backward(dz, cache):
          W, x, _ = cache
          s = sigmoid(W @ x)
          da = dz * (s - s * s)
          dx = da @ W
          dW = da[:, None] * x[None, :]
          return dx, dW
      """),
    C("sig_dot", "sigmoid", "sigmoid_layer_backward", """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = z * (1.0 - z)
          dW = np.outer(dz * local, x)
          dx = np.dot(W.T, dz * local)
          return dx, dW
      """),
    # ------------------------------------------------------------------ relu
    C("relu_mult_mask", "relu", "relu_backward", """
      def relu_backward(dout, cache):
          return dout * (cache > 0).astype(np.float64)
      """),
    C("relu_copy_zero", "relu", "relu_backward", """
      def relu_backward(dout, cache):
          da = dout.copy()
          da[cache <= 0] = 0.0
          return da
      """),
    C("relu_heaviside", "relu", "relu_backward", """
      def relu_backward(dout, cache):
          return dout * np.heaviside(cache, 0.0)
      """),
    C("leaky_mask_arith", "relu", "leaky_relu_backward", """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          pos = (a > 0).astype(np.float64)
          return dout * (pos + slope * (1.0 - pos))
      """),
    C("leaky_copy", "relu", "leaky_relu_backward", """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.array(dout, dtype=np.float64)
          da[a <= 0] *= slope
          return da
      """),
    C("leaky_where_neg", "relu", "leaky_relu_backward", """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          return np.where(a <= 0, slope, 1.0) * dout
      """),
    C("prelu_arith", "relu", "prelu_backward", """
      def prelu_backward(dout, cache):
          a, alpha = cache
          neg = (a <= 0).astype(np.float64)
          da = dout * (1.0 - neg) + dout * neg * alpha
          dalpha = np.einsum("nh,nh,nh->h", dout, a, neg)
          return da, dalpha
      """),
    C("prelu_minimum", "relu", "prelu_backward", """
      def prelu_backward(dout, cache):
          a, alpha = cache
          da = np.where(a > 0, dout, dout * alpha[None, :])
          dalpha = (dout * np.minimum(a, 0.0)).sum(axis=0)
          return da, dalpha
      """),
    C("prelu_loop_units", "relu", "prelu_backward", """
      def prelu_backward(dout, cache):
          a, alpha = cache
          da = dout.copy()
          dalpha = np.zeros(a.shape[1])
          for j in range(a.shape[1]):
              neg = a[:, j] <= 0
              da[neg, j] *= alpha[j]
              dalpha[j] = np.sum(dout[neg, j] * a[neg, j])
          return da, dalpha
      """),
    # ------------------------------------------------------------------ rnn
    C("rrnn_delta_list", "rnn", "relu_rnn_backward", """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          deltas = np.zeros((T, H))
          dh = np.zeros(H)
          for t in range(T - 1, -1, -1):
              deltas[t] = (dhs[t] + dh) * (hs[t] > 0)
              dh = deltas[t] @ Whh
          prevs = np.vstack([h0[None, :], hs[:-1]])
          return deltas.T @ prevs, dh
      """),
    C("rrnn_einsum", "rnn", "relu_rnn_backward", """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T = hs.shape[0]
          dWhh = np.zeros(Whh.shape)
          g = np.zeros(h0.shape)
          for t in reversed(range(T)):
              d = np.where(hs[t] > 0, dhs[t] + g, 0.0)
              dWhh += np.einsum("i,j->ij", d, hs[t - 1] if t else h0)
              g = np.einsum("ij,i->j", Whh, d)
          return dWhh, g
      """),
    C("rrnn_recompute_pre", "rnn", "relu_rnn_backward", """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          prev = [h0] + [hs[t] for t in range(T - 1)]
          dWhh = np.zeros((H, H))
          carry = np.zeros(H)
          for t in range(T)[::-1]:
              pre = Whh @ prev[t]
              delta = (dhs[t] + carry) * (pre > 0)
              dWhh = dWhh + np.outer(delta, prev[t])
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    C("rstep_einsum", "rnn", "rnn_step_backward", """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1 - next_h ** 2)
          return (np.einsum("nh,dh->nd", da, Wx), np.einsum("nh,kh->nk", da, Wh),
                  np.einsum("nd,nh->dh", x, da), np.einsum("nk,nh->kh", prev_h, da),
                  np.einsum("nh->h", da))
      """),
    C("rstep_dot_methods", "rnn", "rnn_step_backward", """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, th = cache
          da = dnext_h - dnext_h * th * th
          return (da.dot(Wx.T), da.dot(Wh.T), x.T.dot(da), prev_h.T.dot(da),
                  np.ones(len(da)) @ da)
      """),
    C("rstep_weights_first", "rnn", "rnn_step_backward", """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          local = 1.0 - np.square(next_h)
          da = local * dnext_h
          db = np.sum(da, axis=0)
          dWh = (da.T @ prev_h).T
          dWx = (da.T @ x).T
          dprev_h = (Wh @ da.T).T
          dx = (Wx @ da.T).T
          return dx, dprev_h, dWx, dWh, db
      """),
    C("rnn_list_stack", "rnn", "rnn_backward", """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          Wx, Wh = cache[0][2], cache[0][3]
          dxs = [None] * T
          dWx, dWh, db = 0.0, 0.0, 0.0
          carry = np.zeros((N, H))
          for t in range(T - 1, -1, -1):
              dxs[t], carry, gx, gh, gb = rnn_step_backward(carry + dh[:, t, :], cache[t])
              dWx, dWh, db = dWx + gx, dWh + gh, db + gb
          return np.stack(dxs, axis=1), carry, dWx, dWh, db
      """),
    C("rnn_inline_step", "rnn", "rnn_backward", """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          dx = np.zeros((N, T, D))
          dWx = np.zeros((D, H))
          dWh = np.zeros((H, H))
          db = np.zeros(H)
          dnext = np.zeros((N, H))
          for t in reversed(range(T)):
              x, prev_h, Wx, Wh, next_h = cache[t]
              da = (dh[:, t] + dnext) * (1 - next_h ** 2)
              dx[:, t] = da @ Wx.T
              dnext = da @ Wh.T
              dWx += x.T @ da
              dWh += prev_h.T @ da
              db += da.sum(axis=0)
          return dx, dnext, dWx, dWh, db
      """),
    C("rnn_vectorised_weights", "rnn", "rnn_backward", """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          Wx, Wh = cache[0][2], cache[0][3]
          das = []
          dnext = np.zeros((N, H))
          for t in reversed(range(T)):
              next_h = cache[t][4]
              da = (dh[:, t] + dnext) * (1 - next_h ** 2)
              dnext = da @ Wh.T
              das.append(da)
          da_all = np.stack(das[::-1], axis=1)                       # (N, T, H)
          xs = np.stack([c[0] for c in cache], axis=1)               # (N, T, D)
          prevs = np.stack([c[1] for c in cache], axis=1)            # (N, T, H)
          dx = da_all @ Wx.T
          dWx = np.einsum("ntd,nth->dh", xs, da_all)
          dWh = np.einsum("ntk,nth->kh", prevs, da_all)
          return dx, dnext, dWx, dWh, da_all.sum(axis=(0, 1))
      """),
    # ------------------------------------------------------------------ softmax
    C("aff_einsum", "softmax", "affine_backward", """
      def affine_backward(dout, cache):
          x, W, b = cache
          return (np.einsum("nm,dm->nd", dout, W), np.einsum("nd,nm->dm", x, dout),
                  np.einsum("nm->m", dout))
      """),
    C("aff_transposes", "softmax", "affine_backward", """
      def affine_backward(dout, cache):
          x, W, b = cache
          db = np.ones(dout.shape[0]) @ dout
          dW = (dout.T @ x).T
          dx = (W @ dout.T).T
          return dx, dW, db
      """),
    C("aff_dot", "softmax", "affine_backward", """
      def affine_backward(dout, cache):
          x, W, _ = cache
          dW = np.dot(x.T, dout)
          dx = np.dot(dout, W.T)
          db = np.sum(dout, axis=0, keepdims=True).reshape(-1)
          return dx, dW, db
      """),
    C("sce_recompute_probs", "softmax", "softmax_cross_entropy_backward", """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, _ = cache
          N = logits.shape[0]
          z = logits - logits.max(axis=1, keepdims=True)
          logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
          p = np.exp(logp)
          dlogits = (dloss / N) * (p * labels.sum(axis=1)[:, None] - labels)
          dlabels = -(dloss / N) * logp
          return dlogits, dlabels
      """),
    C("sce_loop_rows", "softmax", "softmax_cross_entropy_backward", """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          dlogits = np.zeros((N, C))
          for n in range(N):
              dlogits[n] = probs[n] * labels[n].sum() - labels[n]
          dlogits *= dloss / N
          dlabels = np.log(probs) * (-dloss / N)
          return dlogits, dlabels
      """),
    C("sce_jacobian", "softmax", "softmax_cross_entropy_backward", """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogp = -dloss * labels / N                                  # on log-probs
          dlogits = dlogp - probs * dlogp.sum(axis=1, keepdims=True)   # through log-softmax
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    C("mlp_inline", "softmax", "mlp_backward", """
      def mlp_backward(dloss, cache):
          (X, W1, b1), a, (h, W2, b2), (logits, labels, probs) = cache
          N = X.shape[0]
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          da = (dlogits @ W2.T) * (a > 0)
          return da @ W1.T, {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": dW2, "b2": db2}
      """),
    C("mlp_recompute_h", "softmax", "mlp_backward", """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          a = X @ W1 + b1
          dlogits = softmax_cross_entropy_backward(dloss, loss_cache)[0]
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = np.where(a > 0, dh, 0.0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          grads = dict(W2=dW2, b2=db2)
          grads.update(W1=dW1, b1=db1)
          return dX, grads
      """),
    C("mlp_scale_last", "softmax", "mlp_backward", """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          g, _ = softmax_cross_entropy_backward(1.0, loss_cache)
          dh, dW2, db2 = affine_backward(g, aff2_cache)
          dX, dW1, db1 = affine_backward(dh * (relu_cache > 0), aff1_cache)
          grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
          return dloss * dX, {k: dloss * v for k, v in grads.items()}
      """),
    # ------------------------------------------------------------------ lstm
    C("lstep_gates_stacked", "lstm", "lstm_step_backward", """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tc = np.tanh(next_c)
          dc = dnext_h * o * (1 - tc * tc) + dnext_c
          sig = np.concatenate([i, f, o], axis=1)
          dsig = np.concatenate([dc * g, dc * prev_c, dnext_h * tc], axis=1) * sig * (1 - sig)
          da = np.concatenate([dsig, dc * i * (1 - g * g)], axis=1)
          return da @ Wx.T, da @ Wh.T, f * dc, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    C("lstep_recompute", "lstm", "lstm_step_backward", """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, _ = cache
          c = f * prev_c + i * g
          tc = np.tanh(c)
          H = prev_h.shape[1]
          da = np.empty((x.shape[0], 4 * H))
          dc = dnext_c + dnext_h * o * (1 - tc ** 2)
          da[:, :H] = dc * g * i * (1 - i)
          da[:, H:2 * H] = dc * prev_c * f * (1 - f)
          da[:, 2 * H:3 * H] = dnext_h * tc * o * (1 - o)
          da[:, 3 * H:] = dc * i * (1 - g ** 2)
          dWx = np.einsum("nd,nk->dk", x, da)
          dWh = np.einsum("nh,nk->hk", prev_h, da)
          return da @ Wx.T, da @ Wh.T, dc * f, dWx, dWh, np.einsum("nk->k", da)
      """),
    C("lstep_chain_order", "lstm", "lstm_step_backward", """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          dc = dnext_c.copy()
          dc += dnext_h * o * (1.0 - tanh_c ** 2)
          dprev_c = f * dc
          dai = (dc * g) * (i * (1.0 - i))
          daf = (dc * prev_c) * (f * (1.0 - f))
          dao = (dnext_h * tanh_c) * (o * (1.0 - o))
          dag = (dc * i) * (1.0 - g ** 2)
          da = np.hstack((dai, daf, dao, dag))
          db = da.sum(axis=0)
          dWh = prev_h.T @ da
          dWx = x.T @ da
          dprev_h = da @ Wh.T
          dx = da @ Wx.T
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    C("lstm_list_stack", "lstm", "lstm_backward", """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          dxs = []
          dWx = dWh = db = 0.0
          dnh, dnc = np.zeros((N, H)), np.zeros((N, H))
          for t in range(T - 1, -1, -1):
              dx_t, dnh, dnc, gx, gh, gb = lstm_step_backward(dnh + dh[:, t, :], dnc, cache[t])
              dxs.append(dx_t)
              dWx = dWx + gx
              dWh = dWh + gh
              db = db + gb
          return np.stack(dxs[::-1], axis=1), dnh, dWx, dWh, db
      """),
    C("lstm_inline", "lstm", "lstm_backward", """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          dx = np.zeros((N, T, D))
          dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
          dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache[t]
              tc = np.tanh(next_c)
              dnh = dh[:, t] + dh_next
              dc = dc_next + dnh * o * (1 - tc ** 2)
              da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                                   dnh * tc * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
              dx[:, t] = da @ Wx.T
              dh_next = da @ Wh.T
              dc_next = dc * f
              dWx += x.T @ da
              dWh += prev_h.T @ da
              db += da.sum(axis=0)
          return dx, dh_next, dWx, dWh, db
      """),
    C("lstm_batched_weights", "lstm", "lstm_backward", """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          dx = np.zeros((N, T, D))
          dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
          das = np.zeros((N, T, 4 * H))
          for t in reversed(range(T)):
              x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache[t]
              tc = np.tanh(next_c)
              dnh = dh[:, t] + dh_next
              dc = dc_next + dnh * o * (1 - tc ** 2)
              das[:, t] = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                                          dnh * tc * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
              dh_next = das[:, t] @ Wh.T
              dc_next = dc * f
          Wx = cache[0][3]
          xs = np.stack([c[0] for c in cache], axis=1)
          hs = np.stack([c[1] for c in cache], axis=1)
          dx = das @ Wx.T
          dWx = np.einsum("ntd,ntk->dk", xs, das)
          dWh = np.einsum("nth,ntk->hk", hs, das)
          return dx, dh_next, dWx, dWh, das.sum(axis=(0, 1))
      """),
    C("huber_where", "lstm", "huber_backward", """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          dr = np.where(inside, r, delta * np.sign(r))
          return dr * (dloss / r.size)
      """),
    C("huber_minmax", "lstm", "huber_backward", """
      def huber_backward(dloss, r, delta=1.0):
          g = np.maximum(np.minimum(r, delta), -delta)
          return dloss / np.prod(r.shape) * g
      """),
    C("huber_copy_assign", "lstm", "huber_backward", """
      def huber_backward(dloss, r, delta=1.0):
          dr = r.astype(np.float64).copy()
          big = np.abs(r) > delta
          dr[big] = delta * np.sign(r[big])
          dr *= dloss
          dr /= r.size
          return dr
      """),
]
