// kernels_test.cpp — our kernels, run through the emulator from the real PTX's entry points, against
// straightforward loops that follow the CPU backend's conventions (src/AgNas.Tensor/Cpu). Shapes are
// small, never multiples of the block size, and most operands are channel views of wider buffers.
#include "test_util.h"

using ll = long long;

namespace {
// A (B, C, P) channel view [c0, c0 + C) of a (B, Cwide, P) buffer: offset and stride in elements.
struct View
{
    ll batch, wide, c0, channels, plane;
    ll stride() const { return wide * plane; }
    ll offset() const { return c0 * plane; }
    ll sample() const { return channels * plane; }
    ll bufferSize() const { return batch * wide * plane; }
    ll at(ll n, ll c, ll p) const { return n * stride() + (c0 + c) * plane + p; }
};

float counterUniform(unsigned long long seed, unsigned long long index)
{
    unsigned long long z = seed * 0x9E3779B97F4A7C15ULL + index + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<float>(z >> 40) * (1.0f / (1 << 24));
}
} // namespace

TEST_F(Emu, ReluOnAChannelViewLeavesTheRestAlone)
{
    const View xv{3, 8, 2, 5, 7}, yv{3, 9, 3, 5, 7};
    const auto x = randomVector(xv.bufferSize(), 11);
    DevBuf<float> dx(x), dy(std::vector<float>(yv.bufferSize(), 42.0f));
    CU_OK(launch(fn("relu_f32"), 2, 32, dy.p(yv.offset()), yv.stride(), dx.p(xv.offset()), xv.stride(), xv.batch, xv.sample()));
    std::vector<float> want(yv.bufferSize(), 42.0f);
    for (ll n = 0; n < 3; ++n)
        for (ll c = 0; c < 5; ++c)
            for (ll p = 0; p < 7; ++p) want[yv.at(n, c, p)] = std::max(x[xv.at(n, c, p)], 0.0f);
    EXPECT_TRUE(allClose(dy.get(), want, 0, 0));
}

TEST_F(Emu, PointwiseKernels)
{
    const ll n = 1000;
    auto a = randomVector(n, 1, -8, 8), b = randomVector(n, 2, -1, 1);
    a[0] = std::nanf("");
    a[1] = 0.0f;
    a[2] = 6.0f;
    DevBuf<float> da(a), db(b), dyv(n);
    const unsigned grid = 3, block = 128;
    auto run = [&](const char* name, auto... args) { return launch(fn(name), grid, block, args...); };
    std::vector<float> want(n);

    CU_OK(run("add_f32", dyv.p(), n, da.p(), n, db.p(), n, 1LL, n));
    for (ll i = 0; i < n; ++i) want[i] = a[i] + b[i];
    EXPECT_TRUE(allClose(dyv.get(), want, 0, 0)) << "add";

    CU_OK(run("mul_f32", dyv.p(), n, da.p(), n, db.p(), n, 1LL, n));
    for (ll i = 0; i < n; ++i) want[i] = a[i] * b[i];
    EXPECT_TRUE(allClose(dyv.get(), want, 0, 0)) << "mul";

    CU_OK(run("scale_f32", dyv.p(), n, da.p(), n, 1LL, n, 0.5f));
    for (ll i = 0; i < n; ++i) want[i] = a[i] * 0.5f;
    EXPECT_TRUE(allClose(dyv.get(), want, 0, 0)) << "scale";

    dyv.put(b);
    CU_OK(run("axpy_f32", dyv.p(), n, da.p(), n, 1LL, n, -2.0f));
    for (ll i = 0; i < n; ++i) want[i] = a[i] * -2.0f + b[i];
    EXPECT_TRUE(allClose(dyv.get(), want, 0, 0)) << "axpy accumulates";

    CU_OK(run("relu6_f32", dyv.p(), n, da.p(), n, 1LL, n));
    for (ll i = 0; i < n; ++i) want[i] = std::isnan(a[i]) ? a[i] : std::min(std::max(a[i], 0.0f), 6.0f);
    EXPECT_TRUE(allClose(dyv.get(), want, 0, 0)) << "relu6";

    CU_OK(run("relu_backward_f32", dyv.p(), n, db.p(), n, da.p(), n, 1LL, n));
    for (ll i = 0; i < n; ++i) want[i] = a[i] > 0 ? b[i] : 0.0f;
    EXPECT_TRUE(allClose(dyv.get(), want, 0, 0)) << "relu backward (0 at x = 0, NaN x gives 0)";

    CU_OK(run("relu6_backward_f32", dyv.p(), n, db.p(), n, da.p(), n, 1LL, n));
    for (ll i = 0; i < n; ++i) want[i] = (a[i] > 0 && a[i] < 6) ? b[i] : 0.0f;
    EXPECT_TRUE(allClose(dyv.get(), want, 0, 0)) << "relu6 backward";

    CU_OK(run("sigmoid_f32", dyv.p(), n, da.p(), n, 1LL, n));
    for (ll i = 0; i < n; ++i) want[i] = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(a[i]))));
    const auto s = dyv.get();
    EXPECT_TRUE(allClose(s, want, 1e-7, 1e-6)) << "sigmoid";

    DevBuf<float> ds(s);
    CU_OK(run("sigmoid_backward_f32", dyv.p(), n, db.p(), n, ds.p(), n, 1LL, n));
    for (ll i = 0; i < n; ++i) want[i] = b[i] * s[i] * (1.0f - s[i]);
    EXPECT_TRUE(allClose(dyv.get(), want, 0, 0)) << "sigmoid backward";
}

TEST_F(Emu, ChannelAndSampleScaling)
{
    const View xv{3, 6, 1, 4, 13};
    const auto x = randomVector(xv.bufferSize(), 5), g = randomVector(xv.bufferSize(), 6), sc = randomVector(12, 7);
    DevBuf<float> dx(x), dg(g), ds(sc), dm(std::vector<float>{0.0f, 2.0f, 0.5f});
    DevBuf<float> out(xv.bufferSize()), dsOut(12);
    CU_OK(launch(fn("channel_mul_f32"), 2, 64, out.p(xv.offset()), xv.stride(), dx.p(xv.offset()), xv.stride(), ds.p(),
                 xv.batch, int(xv.channels), xv.plane));
    auto got = out.get();
    for (ll n = 0; n < 3; ++n)
        for (ll c = 0; c < 4; ++c)
            for (ll p = 0; p < 13; ++p) EXPECT_EQ(got[xv.at(n, c, p)], x[xv.at(n, c, p)] * sc[n * 4 + c]);

    CU_OK(launch(fn("channel_mul_backward_f32"), 5, 32, out.p(xv.offset()), xv.stride(), dsOut.p(), dg.p(xv.offset()),
                 xv.stride(), dx.p(xv.offset()), xv.stride(), ds.p(), xv.batch, int(xv.channels), xv.plane));
    got = out.get();
    const auto gotDs = dsOut.get();
    std::vector<float> wantDs(12);
    for (ll n = 0; n < 3; ++n)
        for (ll c = 0; c < 4; ++c)
        {
            double acc = 0;
            for (ll p = 0; p < 13; ++p)
            {
                EXPECT_EQ(got[xv.at(n, c, p)], g[xv.at(n, c, p)] * sc[n * 4 + c]);
                acc += double(g[xv.at(n, c, p)]) * x[xv.at(n, c, p)];
            }
            wantDs[n * 4 + c] = float(acc);
        }
    EXPECT_TRUE(allClose(gotDs, wantDs, 1e-6, 1e-5));

    CU_OK(launch(fn("sample_mul_f32"), 2, 64, out.p(xv.offset()), xv.stride(), dx.p(xv.offset()), xv.stride(), dm.p(),
                 xv.batch, xv.sample()));
    got = out.get();
    const float m[] = {0.0f, 2.0f, 0.5f};
    for (ll n = 0; n < 3; ++n)
        for (ll j = 0; j < xv.sample(); ++j) EXPECT_EQ(got[n * xv.stride() + xv.offset() + j], x[n * xv.stride() + xv.offset() + j] * m[n]);
}

TEST_F(Emu, GroupSumAndItsBackward)
{
    const ll batch = 2, part = 3 * 11; // C = 3, H·W = 11
    const int groups = 4;
    const View xv{batch, 4 * 3 + 2, 1, 4 * 3, 11}; // the K·C concatenation, as a view
    const auto x = randomVector(xv.bufferSize(), 9);
    DevBuf<float> dx(x), y(batch * part);
    CU_OK(launch(fn("group_sum_f32"), 3, 32, y.p(), part, dx.p(xv.offset()), xv.stride(), batch, part, groups));
    std::vector<float> want(batch * part);
    for (ll n = 0; n < batch; ++n)
        for (ll j = 0; j < part; ++j)
        {
            float acc = x[n * xv.stride() + xv.offset() + j];
            for (int k = 1; k < groups; ++k) acc += x[n * xv.stride() + xv.offset() + k * part + j];
            want[n * part + j] = acc;
        }
    EXPECT_TRUE(allClose(y.get(), want, 0, 0));

    DevBuf<float> wide(std::vector<float>(xv.bufferSize(), 7.0f));
    CU_OK(launch(fn("group_sum_backward_f32"), 3, 32, wide.p(xv.offset()), xv.stride(), y.p(), part, batch, part, groups));
    const auto got = wide.get();
    for (ll n = 0; n < batch; ++n)
        for (int k = 0; k < groups; ++k)
            for (ll j = 0; j < part; ++j) EXPECT_EQ(got[n * xv.stride() + xv.offset() + k * part + j], want[n * part + j]);
    EXPECT_EQ(got[0], 7.0f); // channel 0 is outside the view
}

TEST_F(Emu, BernoulliMaskMatchesTheCounterRandomBitForBit)
{
    const ll n = 777;
    DevBuf<float> mask(n);
    const unsigned long long seed = 0xDEADBEEF12345ULL;
    CU_OK(launch(fn("bernoulli_mask_f32"), 2, 128, mask.p(), n, 0.7f, 1.0f / 0.7f, seed));
    std::vector<float> want(n);
    for (ll i = 0; i < n; ++i) want[i] = counterUniform(seed, i) < 0.7f ? 1.0f / 0.7f : 0.0f;
    EXPECT_TRUE(allClose(mask.get(), want, 0, 0));
}

TEST_F(Emu, MemoryKernels)
{
    const View v{3, 5, 1, 3, 7};
    DevBuf<float> f(std::vector<float>(v.bufferSize(), -1.0f));
    CU_OK(launch(fn("fill_f32"), 2, 32, f.p(v.offset()), v.stride(), v.batch, v.sample(), 2.5f));
    auto got = f.get();
    for (ll n = 0; n < 3; ++n)
        for (ll c = 0; c < 5; ++c)
            for (ll p = 0; p < 7; ++p) EXPECT_EQ(got[n * 35 + c * 7 + p], (c >= 1 && c < 4) ? 2.5f : -1.0f);

    DevBuf<int> iv(50);
    CU_OK(launch(fn("fill_i32"), 1, 32, iv.p(), 50LL, 1LL, 50LL, -3));
    EXPECT_EQ(iv.get(), std::vector<int>(50, -3));
    DevBuf<double> dv(9);
    CU_OK(launch(fn("fill_f64"), 1, 32, dv.p(), 9LL, 0.25));
    EXPECT_EQ(dv.get(), std::vector<double>(9, 0.25));

    // copy_b32: a dense (3, 3·7) tensor into the view, and back out of it.
    const auto src = randomVector(3 * 21, 4);
    DevBuf<float> dsrc(src), back(3 * 21);
    CU_OK(launch(fn("copy_b32"), 2, 32, f.p(v.offset()), v.stride(), dsrc.p(), 21LL, v.batch, v.sample()));
    CU_OK(launch(fn("copy_b32"), 2, 32, back.p(), 21LL, f.p(v.offset()), v.stride(), v.batch, v.sample()));
    EXPECT_EQ(back.get(), src);
    DevBuf<double> d2(9);
    CU_OK(launch(fn("copy_b64"), 1, 32, d2.p(), 9LL, dv.p(), 9LL, 1LL, 9LL));
    EXPECT_EQ(d2.get(), std::vector<double>(9, 0.25));
}

TEST_F(Emu, ReductionsWithAtomics)
{
    const View v{5, 4, 1, 2, 501};
    auto x = randomVector(v.bufferSize(), 13, -3, 3);
    DevBuf<float> dx(x);
    DevBuf<double> out(1);
    DevBuf<int> flag(1);
    double sum = 0, sq = 0;
    for (ll n = 0; n < 5; ++n)
        for (ll j = 0; j < v.sample(); ++j)
        {
            const double e = x[n * v.stride() + v.offset() + j];
            sum += e;
            sq += e * e;
        }
    for (unsigned grid : {1u, 4u, 64u})
    {
        CU_OK(cuMemsetD32_v2(out.raw(), 0, 2));
        CU_OK(launch(fn("sum_f64"), grid, 128, out.p(), dx.p(v.offset()), v.stride(), v.batch, v.sample()));
        EXPECT_NEAR(out.get()[0], sum, 1e-9 * std::fabs(sq));
        CU_OK(cuMemsetD32_v2(out.raw(), 0, 2));
        CU_OK(launch(fn("sum_squares_f64"), grid, 128, out.p(), dx.p(v.offset()), v.stride(), v.batch, v.sample()));
        EXPECT_NEAR(out.get()[0], sq, 1e-12 * sq);
    }
    CU_OK(cuMemsetD32_v2(flag.raw(), 0, 1));
    CU_OK(launch(fn("nonfinite_flag_f32"), 3, 64, flag.p(), dx.p(v.offset()), v.stride(), v.batch, v.sample()));
    EXPECT_EQ(flag.get()[0], 0);
    x[4 * v.stride() + v.offset() + 700] = INFINITY; // inside the view
    x[0] = NAN;                                      // outside it (channel 0)
    dx.put(x);
    CU_OK(launch(fn("nonfinite_flag_f32"), 3, 64, flag.p(), dx.p(v.offset()), v.stride(), v.batch, v.sample()));
    EXPECT_EQ(flag.get()[0], 1);
}

TEST_F(Emu, BiasKernels)
{
    const ll rows = 7, cols = 45;
    const auto y = randomVector(rows * cols, 1), bias = randomVector(cols, 2);
    DevBuf<float> dy(y), db(bias), out(cols);
    CU_OK(launch(fn("add_row_bias_f32"), 2, 64, dy.p(), db.p(), rows, cols));
    std::vector<float> want(y);
    for (ll r = 0; r < rows; ++r)
        for (ll c = 0; c < cols; ++c) want[r * cols + c] += bias[c];
    EXPECT_TRUE(allClose(dy.get(), want, 0, 0));
    CU_OK(launch(fn("column_sum_f32"), 1, 32, out.p(), dy.p(), rows, cols));
    std::vector<float> sums(cols);
    for (ll c = 0; c < cols; ++c)
    {
        double acc = 0;
        for (ll r = 0; r < rows; ++r) acc += want[r * cols + c];
        sums[c] = float(acc);
    }
    EXPECT_TRUE(allClose(out.get(), sums, 0, 0));

    const View v{2, 6, 2, 3, 17};
    const auto img = randomVector(v.bufferSize(), 3), cb = randomVector(3, 4);
    DevBuf<float> di(img), dcb(cb), csum(3);
    CU_OK(launch(fn("add_channel_bias_f32"), 2, 32, di.p(v.offset()), v.stride(), dcb.p(), v.batch, 3, v.plane));
    auto got = di.get();
    std::vector<float> chan(3);
    for (ll c = 0; c < 3; ++c)
    {
        double acc = 0;
        for (ll n = 0; n < 2; ++n)
            for (ll p = 0; p < 17; ++p)
            {
                EXPECT_EQ(got[v.at(n, c, p)], img[v.at(n, c, p)] + cb[c]);
                acc += got[v.at(n, c, p)];
            }
        chan[c] = float(acc);
    }
    CU_OK(launch(fn("channel_sum_f32"), 2, 64, csum.p(), di.p(v.offset()), v.stride(), v.batch, 3, v.plane));
    EXPECT_TRUE(allClose(csum.get(), chan, 1e-6, 1e-6));
}

TEST_F(Emu, AttentionCombineForwardAndBackward)
{
    const ll batch = 2, plane = 37;
    const int groups = 3, channels = 4, wide = groups * channels;
    const View xv{batch, wide + 2, 1, wide, plane}; // the candidates' concatenation, a view
    const auto x = randomVector(xv.bufferSize(), 21), s = randomVector(batch * wide, 22, 0, 1),
               dy = randomVector(batch * channels * plane, 23);
    DevBuf<float> dxIn(x), ds(s), ddy(dy), y(batch * channels * plane);
    CU_OK(launch(fn("attention_combine_f32"), 3, 64, y.p(), ll(channels * plane), dxIn.p(xv.offset()), xv.stride(), ds.p(),
                 batch, channels, plane, groups));
    std::vector<float> want(batch * channels * plane);
    for (ll n = 0; n < batch; ++n)
        for (int c = 0; c < channels; ++c)
            for (ll p = 0; p < plane; ++p)
            {
                double acc = 0;
                for (int k = 0; k < groups; ++k) acc += double(s[n * wide + k * channels + c]) * x[xv.at(n, k * channels + c, p)];
                want[(n * channels + c) * plane + p] = float(acc);
            }
    EXPECT_TRUE(allClose(y.get(), want, 1e-6, 1e-5));

    DevBuf<float> gradX(std::vector<float>(xv.bufferSize(), 9.0f)), gradS(batch * wide);
    CU_OK(launch(fn("attention_combine_backward_f32"), 3, 64, gradX.p(xv.offset()), xv.stride(), gradS.p(), ddy.p(),
                 ll(channels * plane), dxIn.p(xv.offset()), xv.stride(), ds.p(), batch, channels, plane, groups));
    std::vector<float> wantX(xv.bufferSize(), 9.0f), wantS(batch * wide);
    for (ll n = 0; n < batch; ++n)
        for (int k = 0; k < groups; ++k)
            for (int c = 0; c < channels; ++c)
            {
                const int ch = k * channels + c;
                double acc = 0;
                for (ll p = 0; p < plane; ++p)
                {
                    const float g = dy[(n * channels + c) * plane + p];
                    wantX[xv.at(n, ch, p)] = s[n * wide + ch] * g;
                    acc += double(g) * x[xv.at(n, ch, p)];
                }
                wantS[n * wide + ch] = float(acc);
            }
    EXPECT_TRUE(allClose(gradX.get(), wantX, 0, 0));
    EXPECT_TRUE(allClose(gradS.get(), wantS, 1e-6, 1e-5));

    // Either output may be NULL.
    DevBuf<float> gradS2(batch * wide);
    CU_OK(launch(fn("attention_combine_backward_f32"), 2, 32, static_cast<float*>(nullptr), xv.stride(), gradS2.p(),
                 ddy.p(), ll(channels * plane), dxIn.p(xv.offset()), xv.stride(), ds.p(), batch, channels, plane, groups));
    EXPECT_TRUE(allClose(gradS2.get(), wantS, 1e-6, 1e-5));

    // Importance accumulates into float64 per candidate.
    DevBuf<double> imp(std::vector<double>{1.0, 2.0, 3.0});
    CU_OK(launch(fn("accumulate_importance_f64"), 2, 64, imp.p(), ds.p(), batch, channels, groups));
    const auto got = imp.get();
    for (int k = 0; k < groups; ++k)
    {
        double acc = k + 1.0;
        for (ll n = 0; n < batch; ++n)
            for (int c = 0; c < channels; ++c) acc += s[n * wide + k * channels + c];
        EXPECT_NEAR(got[k], acc, 1e-12);
    }
}

TEST_F(Emu, FusedSgdOverAllParametersInOneLaunch)
{
    const std::vector<ll> sizes = {1000, 37, 1};
    const float lr = 0.1f, momentum = 0.9f, dampening = 0.1f, wd = 0.01f;
    for (int nesterov : {0, 1})
    {
        std::vector<std::vector<float>> w, g, b;
        std::vector<std::unique_ptr<DevBuf<float>>> dw, dg, dbuf;
        std::vector<float*> pw, pg, pb;
        for (size_t t = 0; t < sizes.size(); ++t)
        {
            w.push_back(randomVector(sizes[t], 30 + t));
            g.push_back(randomVector(sizes[t], 40 + t));
            b.push_back(randomVector(sizes[t], 50 + t));
            dw.push_back(std::make_unique<DevBuf<float>>(w[t]));
            dg.push_back(std::make_unique<DevBuf<float>>(g[t]));
            dbuf.push_back(std::make_unique<DevBuf<float>>(b[t]));
            pw.push_back(dw[t]->p());
            pg.push_back(dg[t]->p());
            pb.push_back(dbuf[t]->p());
        }
        const std::vector<int> first = {1, 0, 1};
        DevBuf<float*> params(pw), buffers(pb);
        DevBuf<const float*> grads(std::vector<const float*>(pg.begin(), pg.end()));
        DevBuf<ll> dsizes(sizes);
        DevBuf<int> dfirst(first);
        CU_OK(launch(fn("sgd_step_multi_f32"), 2, 128, params.p(), grads.p(), buffers.p(), dsizes.p(), dfirst.p(),
                     int(sizes.size()), lr, momentum, dampening, wd, nesterov));
        for (size_t t = 0; t < sizes.size(); ++t)
        {
            for (ll i = 0; i < sizes[t]; ++i)
            {
                float d = g[t][i] + wd * w[t][i];
                b[t][i] = first[t] ? d : momentum * b[t][i] + (1.0f - dampening) * d;
                d = nesterov ? d + momentum * b[t][i] : b[t][i];
                w[t][i] -= lr * d;
            }
            EXPECT_TRUE(allClose(dw[t]->get(), w[t], 1e-7, 1e-6)) << "tensor " << t << " nesterov " << nesterov;
            EXPECT_TRUE(allClose(dbuf[t]->get(), b[t], 1e-7, 1e-6)) << "buffer " << t;
        }
        // momentum 0: no buffers at all.
        CU_OK(launch(fn("sgd_step_multi_f32"), 1, 64, params.p(), grads.p(), static_cast<float**>(nullptr), dsizes.p(),
                     static_cast<int*>(nullptr), int(sizes.size()), lr, 0.0f, 0.0f, 0.0f, 0));
        for (size_t t = 0; t < sizes.size(); ++t)
        {
            for (ll i = 0; i < sizes[t]; ++i) w[t][i] -= lr * g[t][i];
            EXPECT_TRUE(allClose(dw[t]->get(), w[t], 1e-7, 1e-6));
        }
    }
}

TEST_F(Emu, AdamStep)
{
    const ll n = 333;
    auto w = randomVector(n, 1), g = randomVector(n, 2), m = randomVector(n, 3, -0.1f, 0.1f), v = randomVector(n, 4, 0, 0.01f);
    DevBuf<float> dw(w), dg(g), dm(m), dv(v);
    const float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 1e-4f;
    const int step = 3;
    const float stepSize = float(lr / (1 - std::pow(double(b1), step)));
    const float sqrtBc2 = float(std::sqrt(1 - std::pow(double(b2), step)));
    CU_OK(launch(fn("adam_step_f32"), 2, 64, dw.p(), dg.p(), dm.p(), dv.p(), n, b1, b2, eps, wd, stepSize, sqrtBc2));
    for (ll i = 0; i < n; ++i)
    {
        const float d = g[i] + wd * w[i];
        m[i] = b1 * m[i] + (1 - b1) * d;
        v[i] = b2 * v[i] + (1 - b2) * d * d;
        w[i] -= stepSize * m[i] / (std::sqrt(v[i]) / sqrtBc2 + eps);
    }
    EXPECT_TRUE(allClose(dw.get(), w, 1e-7, 1e-6));
    EXPECT_TRUE(allClose(dm.get(), m, 1e-8, 1e-6));
    EXPECT_TRUE(allClose(dv.get(), v, 1e-9, 1e-6));
}

TEST_F(Emu, BatchNormTrainingForwardAndBackward)
{
    const View xv{3, 6, 1, 4, 15};
    const int C = 4;
    const ll count = xv.batch * xv.plane;
    const auto x = randomVector(xv.bufferSize(), 61, -2, 3), dy = randomVector(xv.bufferSize(), 62);
    const auto gamma = randomVector(C, 63, 0.5f, 1.5f), beta = randomVector(C, 64);
    std::vector<float> rm = randomVector(C, 65), rv = randomVector(C, 66, 0.5f, 2);
    DevBuf<float> dx(x), ddy(dy), dgam(gamma), dbet(beta), drm(rm), drv(rv), y(xv.bufferSize()), mean(C), inv(C);
    const float momentum = 0.1f, eps = 1e-5f;
    CU_OK(launch(fn("batchnorm_train_forward_f32"), 3, 64, y.p(xv.offset()), xv.stride(), mean.p(), inv.p(), drm.p(),
                 drv.p(), dx.p(xv.offset()), xv.stride(), dgam.p(), dbet.p(), xv.batch, C, xv.plane, momentum, eps));
    std::vector<float> wantY(xv.bufferSize()), gotY = y.get(), wantMean(C), wantInv(C);
    for (int c = 0; c < C; ++c)
    {
        double s = 0, q = 0;
        for (ll n = 0; n < 3; ++n)
            for (ll p = 0; p < 15; ++p) s += x[xv.at(n, c, p)];
        const double mu = s / count;
        for (ll n = 0; n < 3; ++n)
            for (ll p = 0; p < 15; ++p) q += (x[xv.at(n, c, p)] - mu) * (x[xv.at(n, c, p)] - mu);
        const double var = q / count, is = 1 / std::sqrt(var + eps);
        wantMean[c] = float(mu);
        wantInv[c] = float(is);
        rm[c] = float((1 - momentum) * rm[c] + momentum * mu);
        rv[c] = float((1 - momentum) * rv[c] + momentum * var * count / (count - 1));
        for (ll n = 0; n < 3; ++n)
            for (ll p = 0; p < 15; ++p) wantY[xv.at(n, c, p)] = float((x[xv.at(n, c, p)] - mu) * is * gamma[c] + beta[c]);
    }
    for (ll i = 0; i < xv.bufferSize(); ++i)
        if ((i / xv.plane) % 6 < 1 || (i / xv.plane) % 6 >= 5) wantY[i] = gotY[i]; // outside the view: not compared
    EXPECT_TRUE(allClose(gotY, wantY, 1e-5, 1e-5));
    EXPECT_TRUE(allClose(mean.get(), wantMean, 1e-6, 1e-6));
    EXPECT_TRUE(allClose(inv.get(), wantInv, 1e-6, 1e-6));
    EXPECT_TRUE(allClose(drm.get(), rm, 1e-6, 1e-6));
    EXPECT_TRUE(allClose(drv.get(), rv, 1e-6, 1e-6));

    DevBuf<float> gx(xv.bufferSize()), gg(C), gb(C);
    CU_OK(launch(fn("batchnorm_train_backward_f32"), 2, 32, gx.p(xv.offset()), xv.stride(), gg.p(), gb.p(), ddy.p(xv.offset()),
                 xv.stride(), dx.p(xv.offset()), xv.stride(), dgam.p(), mean.p(), inv.p(), xv.batch, C, xv.plane));
    auto gotX = gx.get();
    std::vector<float> wantX(gotX), wantG(C), wantB(C);
    for (int c = 0; c < C; ++c)
    {
        const double mu = wantMean[c], is = wantInv[c];
        double sdy = 0, sdyx = 0;
        for (ll n = 0; n < 3; ++n)
            for (ll p = 0; p < 15; ++p)
            {
                sdy += dy[xv.at(n, c, p)];
                sdyx += dy[xv.at(n, c, p)] * (x[xv.at(n, c, p)] - mu);
            }
        wantG[c] = float(sdyx * is);
        wantB[c] = float(sdy);
        for (ll n = 0; n < 3; ++n)
            for (ll p = 0; p < 15; ++p)
            {
                const double xhat = (x[xv.at(n, c, p)] - mu) * is;
                wantX[xv.at(n, c, p)] = float(gamma[c] * is * (dy[xv.at(n, c, p)] - sdy / count - xhat * sdyx * is / count));
            }
    }
    EXPECT_TRUE(allClose(gotX, wantX, 1e-5, 1e-4));
    EXPECT_TRUE(allClose(gg.get(), wantG, 1e-5, 1e-5));
    EXPECT_TRUE(allClose(gb.get(), wantB, 1e-5, 1e-5));
}

TEST_F(Emu, BatchNormEvalForwardAndBackward)
{
    const ll B = 2, P = 9;
    const int C = 3;
    const auto x = randomVector(B * C * P, 71), dy = randomVector(B * C * P, 72), mean = randomVector(C, 73),
               var = randomVector(C, 74, 0.5f, 2), gamma = randomVector(C, 75);
    DevBuf<float> dx(x), ddy(dy), dm(mean), dv(var), dg(gamma), y(B * C * P), gx(B * C * P), gg(C), gb(C);
    const float eps = 1e-3f;
    CU_OK(launch(fn("batchnorm_eval_forward_f32"), 4, 32, y.p(), ll(C * P), dx.p(), ll(C * P), dg.p(),
                 static_cast<float*>(nullptr), dm.p(), dv.p(), B, C, P, eps));
    CU_OK(launch(fn("batchnorm_eval_backward_f32"), 2, 32, gx.p(), ll(C * P), gg.p(), gb.p(), ddy.p(), ll(C * P), dx.p(),
                 ll(C * P), dg.p(), dm.p(), dv.p(), B, C, P, eps));
    std::vector<float> wantY(B * C * P), wantX(B * C * P), wantG(C), wantB(C);
    for (int c = 0; c < C; ++c)
    {
        const double is = 1 / std::sqrt(double(var[c]) + eps);
        double sdy = 0, sdyx = 0;
        for (ll n = 0; n < B; ++n)
            for (ll p = 0; p < P; ++p)
            {
                const ll i = (n * C + c) * P + p;
                wantY[i] = float((x[i] - mean[c]) * is * gamma[c]);
                wantX[i] = float(dy[i] * is * gamma[c]);
                sdy += dy[i];
                sdyx += dy[i] * (x[i] - mean[c]);
            }
        wantG[c] = float(sdyx * is);
        wantB[c] = float(sdy);
    }
    EXPECT_TRUE(allClose(y.get(), wantY, 1e-5, 1e-5));
    EXPECT_TRUE(allClose(gx.get(), wantX, 1e-6, 1e-5));
    EXPECT_TRUE(allClose(gg.get(), wantG, 1e-5, 1e-5));
    EXPECT_TRUE(allClose(gb.get(), wantB, 1e-5, 1e-5));
}

TEST_F(Emu, MaxPoolForwardAndBackward)
{
    const int B = 2, C = 3, H = 7, W = 6, k = 3, s = 2, pad = 1;
    const int Ho = (H + 2 * pad - k) / s + 1, Wo = (W + 2 * pad - k) / s + 1;
    auto x = randomVector(B * C * H * W, 81);
    for (int i = 0; i < 12; ++i) x[i] = 0.5f;              // ties: first in scan order wins
    x[B * C * H * W - 1] = std::nanf("");                  // NaN wins its windows
    for (int i = 0; i < H * W; ++i) x[H * W + i] = -INFINITY; // an all −∞ plane
    DevBuf<float> dx(x), y(B * C * Ho * Wo);
    DevBuf<int> arg(B * C * Ho * Wo);
    CU_OK(launch(fn("maxpool2d_forward_f32"), 2, 64, y.p(), ll(C * Ho * Wo), arg.p(), ll(C * Ho * Wo), dx.p(), ll(C * H * W),
                 ll(B), C, H, W, Ho, Wo, k, s, pad));
    std::vector<float> wantY(B * C * Ho * Wo);
    std::vector<int> wantA(B * C * Ho * Wo);
    for (int pl = 0; pl < B * C; ++pl)
        for (int oh = 0; oh < Ho; ++oh)
            for (int ow = 0; ow < Wo; ++ow)
            {
                float best = -INFINITY;
                int idx = -1;
                for (int i = 0; i < k; ++i)
                    for (int j = 0; j < k; ++j)
                    {
                        const int h = oh * s - pad + i, w = ow * s - pad + j;
                        const float v = (h < 0 || h >= H || w < 0 || w >= W) ? -INFINITY : x[pl * H * W + h * W + w];
                        if (v > best || std::isnan(v))
                        {
                            best = v;
                            idx = h * W + w;
                        }
                    }
                if (idx < 0) idx = std::max(oh * s - pad, 0) * W + std::max(ow * s - pad, 0);
                wantY[(pl * Ho + oh) * Wo + ow] = best;
                wantA[(pl * Ho + oh) * Wo + ow] = idx;
            }
    EXPECT_TRUE(allClose(y.get(), wantY, 0, 0));
    EXPECT_EQ(arg.get(), wantA);

    const auto g = randomVector(B * C * Ho * Wo, 82);
    DevBuf<float> dg(g), gx(std::vector<float>(B * C * H * W, 5.0f));
    DevBuf<int> bad(1);
    CU_OK(cuMemsetD32_v2(bad.raw(), 0, 1));
    CU_OK(launch(fn("maxpool2d_backward_f32"), 4, 32, gx.p(), ll(C * H * W), dg.p(), ll(C * Ho * Wo), arg.p(), ll(C * Ho * Wo),
                 bad.p(), ll(B), C, ll(H * W), ll(Ho * Wo)));
    std::vector<float> wantX(B * C * H * W, 0.0f);
    for (int pl = 0; pl < B * C; ++pl)
        for (int o = 0; o < Ho * Wo; ++o) wantX[pl * H * W + wantA[pl * Ho * Wo + o]] += g[pl * Ho * Wo + o];
    EXPECT_TRUE(allClose(gx.get(), wantX, 1e-6, 1e-6));
    EXPECT_EQ(bad.get()[0], 0);
    auto a2 = wantA;
    a2[3] = H * W; // out of range: skipped and flagged
    arg.put(a2);
    CU_OK(launch(fn("maxpool2d_backward_f32"), 4, 32, gx.p(), ll(C * H * W), dg.p(), ll(C * Ho * Wo), arg.p(), ll(C * Ho * Wo),
                 bad.p(), ll(B), C, ll(H * W), ll(Ho * Wo)));
    EXPECT_EQ(bad.get()[0], 1);
}

TEST_F(Emu, AvgPoolForwardAndBackwardInBothPaddingModes)
{
    struct Case { int H, W, k, s, pad; };
    for (const Case cs : {Case{7, 6, 3, 1, 1}, Case{9, 5, 3, 2, 1}, Case{5, 5, 2, 2, 0}})
        for (int cip : {0, 1})
        {
            const int B = 2, C = 3, H = cs.H, W = cs.W, k = cs.k, s = cs.s, pad = cs.pad;
            const int Ho = (H + 2 * pad - k) / s + 1, Wo = (W + 2 * pad - k) / s + 1;
            const auto x = randomVector(B * C * H * W, 91), g = randomVector(B * C * Ho * Wo, 92);
            DevBuf<float> dx(x), dg(g), y(B * C * Ho * Wo), gx(B * C * H * W);
            CU_OK(launch(fn("avgpool2d_forward_f32"), 3, 32, y.p(), ll(C * Ho * Wo), dx.p(), ll(C * H * W), ll(B), C, H, W, Ho, Wo, k,
                         s, pad, cip));
            CU_OK(launch(fn("avgpool2d_backward_f32"), 3, 32, gx.p(), ll(C * H * W), dg.p(), ll(C * Ho * Wo), ll(B), C, H, W, Ho,
                         Wo, k, s, pad, cip));
            std::vector<float> wantY(B * C * Ho * Wo), wantX(B * C * H * W, 0.0f);
            auto window = [&](int o, int size, int* a, int* b) {
                const int st = o * s - pad, en = std::min(st + k, size + pad);
                *a = std::max(st, 0);
                *b = std::min(en, size);
                return cip ? en - st : *b - *a;
            };
            for (int pl = 0; pl < B * C; ++pl)
                for (int oh = 0; oh < Ho; ++oh)
                    for (int ow = 0; ow < Wo; ++ow)
                    {
                        int h0, h1, w0, w1;
                        const int dh = window(oh, H, &h0, &h1), dw = window(ow, W, &w0, &w1);
                        float sum = 0;
                        for (int h = h0; h < h1; ++h)
                            for (int w = w0; w < w1; ++w) sum += x[pl * H * W + h * W + w];
                        wantY[(pl * Ho + oh) * Wo + ow] = sum / (float(dw) * float(dh));
                        const float share = g[(pl * Ho + oh) * Wo + ow] / (float(dw) * float(dh));
                        for (int h = h0; h < h1; ++h)
                            for (int w = w0; w < w1; ++w) wantX[pl * H * W + h * W + w] += share;
                    }
            EXPECT_TRUE(allClose(y.get(), wantY, 0, 0)) << "forward k" << k << " s" << s << " p" << pad << " cip " << cip;
            EXPECT_TRUE(allClose(gx.get(), wantX, 0, 0)) << "backward k" << k << " s" << s << " p" << pad << " cip " << cip;
        }
}

TEST_F(Emu, GlobalAveragePool)
{
    const View xv{3, 7, 2, 5, 49}; // the attention's GAP over a K·C concatenation view
    const auto x = randomVector(xv.bufferSize(), 101);
    DevBuf<float> dx(x), y(3 * 5);
    CU_OK(launch(fn("global_avgpool_forward_f32"), 4, 32, y.p(), 5LL, dx.p(xv.offset()), xv.stride(), xv.batch, 5, xv.plane));
    std::vector<float> want(15);
    for (ll n = 0; n < 3; ++n)
        for (ll c = 0; c < 5; ++c)
        {
            double acc = 0;
            for (ll p = 0; p < 49; ++p) acc += x[xv.at(n, c, p)];
            want[n * 5 + c] = float(acc / 49);
        }
    EXPECT_TRUE(allClose(y.get(), want, 1e-7, 1e-6));
    DevBuf<float> gx(std::vector<float>(xv.bufferSize(), 3.0f));
    CU_OK(launch(fn("global_avgpool_backward_f32"), 2, 64, gx.p(xv.offset()), xv.stride(), y.p(), 5LL, xv.batch, 5, xv.plane));
    const auto got = gx.get();
    for (ll n = 0; n < 3; ++n)
        for (ll c = 0; c < 5; ++c)
            for (ll p = 0; p < 49; ++p) EXPECT_EQ(got[xv.at(n, c, p)], want[n * 5 + c] / 49.0f);
}

TEST_F(Emu, SoftmaxCrossEntropyWithLabelSmoothing)
{
    for (int B : {1, 5, 70})
    {
        const int N = 7;
        const float eps = 0.1f;
        const auto logits = randomVector(B * N, 111 + B, -4, 4);
        std::vector<int> labels(B);
        for (int r = 0; r < B; ++r) labels[r] = (r * 3) % N;
        DevBuf<float> dl(logits), probs(B * N), loss(1), dLoss(std::vector<float>{2.0f}), grad(B * N);
        DevBuf<int> dlab(labels);
        CU_OK(launch(fn("softmax_xent_forward_f32"), 1, 32, loss.p(), probs.p(), dl.p(), dlab.p(), ll(B), N, eps));
        CU_OK(launch(fn("softmax_xent_backward_f32"), 2, 32, grad.p(), dLoss.p(), probs.p(), dlab.p(), ll(B), N, eps));
        double total = 0;
        std::vector<float> wantP(B * N), wantG(B * N);
        for (int r = 0; r < B; ++r)
        {
            double mx = -1e30, se = 0;
            for (int j = 0; j < N; ++j) mx = std::max(mx, double(logits[r * N + j]));
            for (int j = 0; j < N; ++j) se += std::exp(logits[r * N + j] - mx);
            const double ls = mx + std::log(se);
            for (int j = 0; j < N; ++j)
            {
                const double p = std::exp(logits[r * N + j] - ls);
                const double q = (j == labels[r] ? 1 - eps : 0) + eps / N;
                total -= q * (logits[r * N + j] - ls);
                wantP[r * N + j] = float(p);
                wantG[r * N + j] = float(2.0 / B * (p - q));
            }
        }
        EXPECT_NEAR(loss.get()[0], total / B, 1e-5) << "B " << B;
        EXPECT_TRUE(allClose(probs.get(), wantP, 1e-6, 1e-5)) << "B " << B;
        EXPECT_TRUE(allClose(grad.get(), wantG, 1e-6, 1e-5)) << "B " << B;
    }
}
