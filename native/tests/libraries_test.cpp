// libraries_test.cpp — the emulated cuBLAS and cuDNN entry points: GEMM against a direct loop in every
// transpose combination, convolutions against a direct loop (forward) and the adjoint identities
// <conv(x, w), dy> = <x, backwardData(dy, w)> = <w, backwardFilter(x, dy)> (backward passes), with
// groups, stride, padding, dilation, both convolution modes and a channel-view input.
#include "test_util.h"

using ll = long long;

namespace {
double dot(const std::vector<float>& a, const std::vector<float>& b)
{
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
    return s;
}
} // namespace

TEST_F(Emu, CublasSgemmColumnMajorInEveryTransposeCombination)
{
    cublasHandle_t h;
    ASSERT_EQ(cublasCreate_v2(&h), CUBLAS_STATUS_SUCCESS);
    int version = 0;
    EXPECT_EQ(cublasGetVersion_v2(h, &version), CUBLAS_STATUS_SUCCESS);
    EXPECT_GE(version, 120000);
    EXPECT_EQ(cublasSetStream_v2(h, nullptr), CUBLAS_STATUS_SUCCESS);
    const int m = 5, n = 7, k = 3, pad = 2;
    for (int ta : {CUBLAS_OP_N, CUBLAS_OP_T})
        for (int tb : {CUBLAS_OP_N, CUBLAS_OP_T})
        {
            const int lda = (ta == CUBLAS_OP_N ? m : k) + pad, ldb = (tb == CUBLAS_OP_N ? k : n) + pad, ldc = m + pad;
            const int colsA = ta == CUBLAS_OP_N ? k : m, colsB = tb == CUBLAS_OP_N ? n : k;
            const auto A = randomVector(lda * colsA, 1), B = randomVector(ldb * colsB, 2), C = randomVector(ldc * n, 3);
            DevBuf<float> dA(A), dB(B), dC(C);
            const float alpha = 1.5f, beta = 0.5f;
            ASSERT_EQ(cublasSgemm_v2(h, ta, tb, m, n, k, &alpha, dA.p(), lda, dB.p(), ldb, &beta, dC.p(), ldc),
                      CUBLAS_STATUS_SUCCESS);
            std::vector<float> want(C);
            for (int j = 0; j < n; ++j)
                for (int i = 0; i < m; ++i)
                {
                    double acc = 0;
                    for (int l = 0; l < k; ++l)
                        acc += double(ta == CUBLAS_OP_N ? A[i + l * lda] : A[l + i * lda]) *
                               (tb == CUBLAS_OP_N ? B[l + j * ldb] : B[j + l * ldb]);
                    want[i + j * ldc] = float(alpha * acc + beta * C[i + j * ldc]);
                }
            EXPECT_TRUE(allClose(dC.get(), want, 1e-6, 1e-6)) << "ta " << ta << " tb " << tb;
        }

    // beta = 0 does not read C (NaN there does not propagate); strided batched = a loop of GEMMs.
    const int batch = 3;
    const auto A = randomVector(m * k * batch, 4), B = randomVector(k * n * batch, 5);
    DevBuf<float> dA(A), dB(B), dC(std::vector<float>(m * n * batch, std::nanf("")));
    const float one = 1.0f, zero = 0.0f;
    ASSERT_EQ(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &one, dA.p(), m, ll(m * k), dB.p(), k,
                                        ll(k * n), &zero, dC.p(), m, ll(m * n), batch),
              CUBLAS_STATUS_SUCCESS);
    const auto got = dC.get();
    for (int b = 0; b < batch; ++b)
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < m; ++i)
            {
                double acc = 0;
                for (int l = 0; l < k; ++l) acc += double(A[b * m * k + i + l * m]) * B[b * k * n + l + j * k];
                EXPECT_NEAR(got[b * m * n + i + j * m], acc, 1e-5);
            }

    EXPECT_EQ(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &one, dA.p(), m - 1, dB.p(), k, &zero, dC.p(), m),
              CUBLAS_STATUS_INVALID_VALUE);
    std::vector<float> host(m * k);
    EXPECT_EQ(cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &one, host.data(), m, dB.p(), k, &zero, dC.p(), m),
              CUBLAS_STATUS_EXECUTION_FAILED);
    EXPECT_STREQ(cublasGetStatusName(CUBLAS_STATUS_EXECUTION_FAILED), "CUBLAS_STATUS_EXECUTION_FAILED");
    EXPECT_EQ(cublasDestroy_v2(h), CUBLAS_STATUS_SUCCESS);
}

namespace {
struct ConvCase
{
    int n, c, h, w, k, r, s, pad, stride, dil, groups, mode;
};

std::vector<float> directConv(const ConvCase& p, const std::vector<float>& x, ll xBatchStride, ll xOffset,
                              const std::vector<float>& w, int ho, int wo)
{
    std::vector<float> y(size_t(p.n) * p.k * ho * wo);
    const int cg = p.c / p.groups, kg = p.k / p.groups;
    for (int n = 0; n < p.n; ++n)
        for (int k = 0; k < p.k; ++k)
            for (int oh = 0; oh < ho; ++oh)
                for (int ow = 0; ow < wo; ++ow)
                {
                    double acc = 0;
                    for (int c = 0; c < cg; ++c)
                        for (int r = 0; r < p.r; ++r)
                            for (int s = 0; s < p.s; ++s)
                            {
                                const int ih = oh * p.stride - p.pad + r * p.dil, iw = ow * p.stride - p.pad + s * p.dil;
                                if (ih < 0 || ih >= p.h || iw < 0 || iw >= p.w) continue;
                                const int rr = p.mode == CUDNN_CONVOLUTION ? p.r - 1 - r : r;
                                const int ss = p.mode == CUDNN_CONVOLUTION ? p.s - 1 - s : s;
                                acc += double(x[xOffset + n * xBatchStride + ((k / kg * cg + c) * p.h + ih) * p.w + iw]) *
                                       w[((k * cg + c) * p.r + rr) * p.s + ss];
                            }
                    y[((size_t(n) * p.k + k) * ho + oh) * wo + ow] = float(acc);
                }
    return y;
}
} // namespace

TEST_F(Emu, CudnnConvolutionsAgreeWithADirectLoopAndTheAdjointIdentities)
{
    cudnnHandle_t h;
    ASSERT_EQ(cudnnCreate(&h), CUDNN_STATUS_SUCCESS);
    EXPECT_GE(cudnnGetVersion(), 90000u);
    cudnnTensorDescriptor_t xd, yd, bd;
    cudnnFilterDescriptor_t wd;
    cudnnConvolutionDescriptor_t cd;
    ASSERT_EQ(cudnnCreateTensorDescriptor(&xd), CUDNN_STATUS_SUCCESS);
    ASSERT_EQ(cudnnCreateTensorDescriptor(&yd), CUDNN_STATUS_SUCCESS);
    ASSERT_EQ(cudnnCreateTensorDescriptor(&bd), CUDNN_STATUS_SUCCESS);
    ASSERT_EQ(cudnnCreateFilterDescriptor(&wd), CUDNN_STATUS_SUCCESS);
    ASSERT_EQ(cudnnCreateConvolutionDescriptor(&cd), CUDNN_STATUS_SUCCESS);

    const ConvCase cases[] = {
        {2, 4, 7, 6, 6, 3, 3, 1, 2, 2, 2, CUDNN_CROSS_CORRELATION}, // groups, stride, padding, dilation
        {1, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, CUDNN_CONVOLUTION},       // true convolution (flipped filter)
        {3, 4, 6, 5, 4, 3, 3, 1, 1, 1, 4, CUDNN_CROSS_CORRELATION}, // depthwise
        {2, 5, 4, 4, 3, 1, 1, 0, 1, 1, 1, CUDNN_CROSS_CORRELATION}, // 1x1
    };
    for (const ConvCase& p : cases)
    {
        SCOPED_TRACE("case c" + std::to_string(p.c) + " k" + std::to_string(p.k) + " g" + std::to_string(p.groups));
        // x is a channel view [1, 1 + c) of a (n, c + 2, h, w) buffer.
        const ll wideStride = ll(p.c + 2) * p.h * p.w, offset = ll(p.h) * p.w;
        const auto xbuf = randomVector(p.n * wideStride, 200 + p.c);
        const auto w = randomVector(size_t(p.k) * (p.c / p.groups) * p.r * p.s, 300 + p.k);
        ASSERT_EQ(cudnnSetTensor4dDescriptorEx(xd, CUDNN_DATA_FLOAT, p.n, p.c, p.h, p.w, int(wideStride), p.h * p.w, p.w, 1),
                  CUDNN_STATUS_SUCCESS);
        ASSERT_EQ(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, p.k, p.c / p.groups, p.r, p.s),
                  CUDNN_STATUS_SUCCESS);
        ASSERT_EQ(cudnnSetConvolution2dDescriptor(cd, p.pad, p.pad, p.stride, p.stride, p.dil, p.dil, p.mode, CUDNN_DATA_FLOAT),
                  CUDNN_STATUS_SUCCESS);
        ASSERT_EQ(cudnnSetConvolutionGroupCount(cd, p.groups), CUDNN_STATUS_SUCCESS);
        ASSERT_EQ(cudnnSetConvolutionMathType(cd, CUDNN_DEFAULT_MATH), CUDNN_STATUS_SUCCESS);
        int on, oc, oh, ow;
        ASSERT_EQ(cudnnGetConvolution2dForwardOutputDim(cd, xd, wd, &on, &oc, &oh, &ow), CUDNN_STATUS_SUCCESS);
        EXPECT_EQ(on, p.n);
        EXPECT_EQ(oc, p.k);
        EXPECT_EQ(oh, (p.h + 2 * p.pad - p.dil * (p.r - 1) - 1) / p.stride + 1);
        ASSERT_EQ(cudnnSetTensor4dDescriptor(yd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, on, oc, oh, ow), CUDNN_STATUS_SUCCESS);

        int returned = 0;
        cudnnConvolutionFwdAlgoPerf_t fwd[4];
        cudnnConvolutionBwdDataAlgoPerf_t bwdData[4];
        cudnnConvolutionBwdFilterAlgoPerf_t bwdFilter[4];
        ASSERT_EQ(cudnnFindConvolutionForwardAlgorithm(h, xd, wd, cd, yd, 4, &returned, fwd), CUDNN_STATUS_SUCCESS);
        EXPECT_EQ(returned, 1);
        EXPECT_EQ(fwd[0].status, CUDNN_STATUS_SUCCESS);
        ASSERT_EQ(cudnnFindConvolutionBackwardDataAlgorithm(h, wd, yd, cd, xd, 4, &returned, bwdData), CUDNN_STATUS_SUCCESS);
        ASSERT_EQ(cudnnFindConvolutionBackwardFilterAlgorithm(h, xd, yd, cd, wd, 4, &returned, bwdFilter), CUDNN_STATUS_SUCCESS);
        size_t ws = 99;
        ASSERT_EQ(cudnnGetConvolutionForwardWorkspaceSize(h, xd, wd, cd, yd, fwd[0].algo, &ws), CUDNN_STATUS_SUCCESS);
        EXPECT_EQ(ws, 0u);

        DevBuf<float> dx(xbuf), dw(w), dy(size_t(on) * oc * oh * ow);
        const float one = 1.0f, zero = 0.0f;
        ASSERT_EQ(cudnnConvolutionForward(h, &one, xd, dx.p(offset), wd, dw.p(), cd, fwd[0].algo, nullptr, 0, &zero, yd, dy.p()),
                  CUDNN_STATUS_SUCCESS);
        const auto y = dy.get();
        EXPECT_TRUE(allClose(y, directConv(p, xbuf, wideStride, offset, w, oh, ow), 1e-5, 1e-5));

        // Adjoint identities for the backward passes.
        const auto g = randomVector(y.size(), 400 + p.k);
        DevBuf<float> dg(g), gx(std::vector<float>(xbuf.size(), 0.0f)), gw(w.size());
        ASSERT_EQ(cudnnConvolutionBackwardData(h, &one, wd, dw.p(), yd, dg.p(), cd, bwdData[0].algo, nullptr, 0, &zero, xd,
                                               gx.p(offset)),
                  CUDNN_STATUS_SUCCESS);
        ASSERT_EQ(cudnnConvolutionBackwardFilter(h, &one, xd, dx.p(offset), yd, dg.p(), cd, bwdFilter[0].algo, nullptr, 0,
                                                 &zero, wd, gw.p()),
                  CUDNN_STATUS_SUCCESS);
        const double lhs = dot(y, g);
        const auto gxv = gx.get();
        double rhsData = 0;
        for (ll n = 0; n < p.n; ++n)
            for (ll i = 0; i < ll(p.c) * p.h * p.w; ++i) rhsData += double(xbuf[offset + n * wideStride + i]) * gxv[offset + n * wideStride + i];
        EXPECT_NEAR(rhsData, lhs, 1e-4 * (1 + std::fabs(lhs)));
        EXPECT_NEAR(dot(w, gw.get()), lhs, 1e-4 * (1 + std::fabs(lhs)));
        EXPECT_EQ(gxv[0], 0.0f); // channel 0 of the wide buffer is outside the view

        // beta = 1 accumulates.
        ASSERT_EQ(cudnnConvolutionForward(h, &one, xd, dx.p(offset), wd, dw.p(), cd, fwd[0].algo, nullptr, 0, &one, yd, dy.p()),
                  CUDNN_STATUS_SUCCESS);
        std::vector<float> twice(y);
        for (auto& v : twice) v *= 2;
        EXPECT_TRUE(allClose(dy.get(), twice, 1e-5, 1e-5));

        // Bias gradient and bias add.
        ASSERT_EQ(cudnnSetTensor4dDescriptor(bd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, oc, 1, 1), CUDNN_STATUS_SUCCESS);
        DevBuf<float> db(oc);
        ASSERT_EQ(cudnnConvolutionBackwardBias(h, &one, yd, dg.p(), &zero, bd, db.p()), CUDNN_STATUS_SUCCESS);
        const auto gotB = db.get();
        for (int k = 0; k < oc; ++k)
        {
            double acc = 0;
            for (int n = 0; n < on; ++n)
                for (int i = 0; i < oh * ow; ++i) acc += g[(size_t(n) * oc + k) * oh * ow + i];
            EXPECT_NEAR(gotB[k], acc, 1e-5);
        }
        dy.put(g);
        ASSERT_EQ(cudnnAddTensor(h, &one, bd, db.p(), &one, yd, dy.p()), CUDNN_STATUS_SUCCESS);
        const auto withBias = dy.get();
        EXPECT_FLOAT_EQ(withBias[oh * ow + 1], g[oh * ow + 1] + gotB[1 % oc]);
    }

    // Shape errors are BAD_PARAM; the emulator's detail is in cudnnGetLastErrorString.
    ASSERT_EQ(cudnnSetTensor4dDescriptor(yd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, 1, 1, 1), CUDNN_STATUS_SUCCESS);
    int returned = 0;
    cudnnConvolutionFwdAlgoPerf_t perf;
    EXPECT_EQ(cudnnFindConvolutionForwardAlgorithm(h, xd, wd, cd, yd, 1, &returned, &perf), CUDNN_STATUS_BAD_PARAM);
    char msg[256];
    cudnnGetLastErrorString(msg, sizeof msg);
    EXPECT_NE(std::string(msg).find("output descriptor"), std::string::npos) << msg;
    EXPECT_STREQ(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM), "CUDNN_STATUS_BAD_PARAM");

    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyTensorDescriptor(bd);
    cudnnDestroyFilterDescriptor(wd);
    cudnnDestroyConvolutionDescriptor(cd);
    EXPECT_EQ(cudnnDestroy(h), CUDNN_STATUS_SUCCESS);
}
