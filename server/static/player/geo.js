// Positions and distances for location stations and find-the-place tasks.

const EARTH_RADIUS_M = 6371008.8;

/** Great-circle distance in metres (the server measures geodesically; close enough to show). */
export function distanceM(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The server's rule: a poor fix never unlocks a far station. */
export function isInside(distance, accuracy, radius) {
  return distance - Math.min(accuracy, 50, radius / 2) <= radius;
}

export function formatDistance(metres) {
  if (metres >= 1000) return `${(metres / 1000).toLocaleString("de-DE", { maximumFractionDigits: 1 })} km`;
  return `${Math.round(metres)} m`;
}

/** One position fix as `{lat, lon, accuracy_m}`. */
export function currentPosition({ timeout = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject(new Error("Dieses Gerät kann seinen Standort nicht bestimmen."));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({ lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy_m: pos.coords.accuracy || 0 }),
      (error) => reject(new Error(error.code === 1
        ? "Standort nicht erlaubt. Bitte in den Einstellungen erlauben. / Location permission denied."
        : "Standort nicht gefunden. Bitte noch einmal versuchen. / Position unavailable.")),
      { enableHighAccuracy: true, timeout, maximumAge: 5000 },
    );
  });
}

/** Follow the position; returns a function that stops watching. */
export function watchPosition(onFix) {
  if (!("geolocation" in navigator)) return () => {};
  const id = navigator.geolocation.watchPosition(
    (pos) => onFix({ lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy_m: pos.coords.accuracy || 0 }),
    () => {},
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 },
  );
  return () => navigator.geolocation.clearWatch(id);
}
