// Camera QR scanning: the browser's BarcodeDetector where there is one, else jsQR
// (vendored, loaded as a classic script on first use) on video frames.

let jsqrPromise = null;

function loadJsQR(url) {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  if (!jsqrPromise) {
    jsqrPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => (window.jsQR ? resolve(window.jsQR) : reject(new Error("jsQR missing")));
      script.onerror = () => {
        jsqrPromise = null;
        reject(new Error("jsQR not available"));
      };
      document.head.append(script);
    });
  }
  return jsqrPromise;
}

async function nativeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    return new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch {
    return null;
  }
}

export function cameraAvailable() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

/**
 * Start the camera in `video` and call `onCode(text)` once a QR code is read.
 * Returns a function that stops the camera.
 */
export async function startScanner(video, onCode, { jsqrUrl }) {
  if (!cameraAvailable()) throw new Error("no camera");
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: "environment" } }, audio: false,
  });
  let stopped = false;
  const stop = () => {
    stopped = true;
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  };
  video.srcObject = stream;
  video.setAttribute("playsinline", "");
  video.muted = true;
  await video.play().catch(() => {});
  const detector = await nativeDetector();
  const jsQR = detector ? null : await loadJsQR(jsqrUrl).catch(() => null);
  if (!detector && !jsQR) {
    stop();
    throw new Error("no decoder");
  }
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const tick = async () => {
    if (stopped) return;
    let text = null;
    if (video.readyState >= 2 && video.videoWidth) {
      try {
        if (detector) {
          const codes = await detector.detect(video);
          text = codes.length ? codes[0].rawValue : null;
        } else {
          const scale = Math.min(1, 640 / video.videoWidth);
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          const image = context.getImageData(0, 0, canvas.width, canvas.height);
          const code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          text = code ? code.data : null;
        }
      } catch {
        text = null;
      }
    }
    if (text && !stopped) {
      stop();
      onCode(text);
      return;
    }
    setTimeout(tick, 200);
  };
  tick();
  return stop;
}
