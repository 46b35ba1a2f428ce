# The inference image for GPU nodes: deploy/images/build.sh --cuda LIBTORCH_DIR, with LIBTORCH_DIR an
# unpacked libtorch 2.7.1 for CUDA 12.8, the build that DJL 0.35.1's cu128 JNI (in pytorch-jni) was made
# for. The NVIDIA driver comes from the node (NVIDIA container toolkit). Not built in CI (no CUDA libtorch).
ARG SERVICE_IMAGE
FROM ${SERVICE_IMAGE}
COPY --chown=10001:10001 libtorch/ /opt/libtorch/
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128 \
    LD_LIBRARY_PATH=/opt/libtorch/lib
