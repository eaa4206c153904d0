// Positions, distances and bearings for location stations and find-the-place tasks.

import { formatNumber, t } from "./i18n.js";

const WGS84_A = 6378137.0;
const WGS84_F = 1 / 298.257223563;
const WGS84_B = WGS84_A * (1 - WGS84_F);
const MEAN_RADIUS_M = 6371008.8;
const RAD = Math.PI / 180;

function haversine(lat1, lon1, lat2, lon2) {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * MEAN_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

function sphericalBearing(lat1, lon1, lat2, lon2) {
  const y = Math.sin((lon2 - lon1) * RAD) * Math.cos(lat2 * RAD);
  const x = Math.cos(lat1 * RAD) * Math.sin(lat2 * RAD) - Math.sin(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.cos((lon2 - lon1) * RAD);
  return (Math.atan2(y, x) / RAD + 360) % 360;
}

/**
 * Distance (m) and initial bearing (degrees from true north) on the WGS 84 ellipsoid, by
 * Vincenty's inverse formula: within millimetres of the server's geopy `geodesic`. Falls back
 * to the sphere for the nearly antipodal points where the iteration does not converge.
 */
export function inverse(lat1, lon1, lat2, lon2) {
  if (lat1 === lat2 && lon1 === lon2) return { distance: 0, bearing: 0 };
  const L = (lon2 - lon1) * RAD;
  const U1 = Math.atan((1 - WGS84_F) * Math.tan(lat1 * RAD));
  const U2 = Math.atan((1 - WGS84_F) * Math.tan(lat2 * RAD));
  const sinU1 = Math.sin(U1); const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2); const cosU2 = Math.cos(U2);
  let lambda = L;
  let sinSigma; let cosSigma; let sigma; let cosSqAlpha; let cos2SigmaM; let sinLambda; let cosLambda;
  for (let i = 0; i < 200; i += 1) {
    sinLambda = Math.sin(lambda);
    cosLambda = Math.cos(lambda);
    sinSigma = Math.sqrt((cosU2 * sinLambda) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) ** 2);
    if (sinSigma === 0) return { distance: 0, bearing: 0 };
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    cosSqAlpha = 1 - sinAlpha ** 2;
    cos2SigmaM = cosSqAlpha ? cosSigma - (2 * sinU1 * sinU2) / cosSqAlpha : 0;
    const C = (WGS84_F / 16) * cosSqAlpha * (4 + WGS84_F * (4 - 3 * cosSqAlpha));
    const previous = lambda;
    lambda = L + (1 - C) * WGS84_F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)));
    if (Math.abs(lambda - previous) < 1e-12) {
      const uSq = (cosSqAlpha * (WGS84_A ** 2 - WGS84_B ** 2)) / WGS84_B ** 2;
      const A = 1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
      const B = (uSq / 1024) * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
      const deltaSigma = B * sinSigma * (cos2SigmaM + (B / 4) * (cosSigma * (-1 + 2 * cos2SigmaM ** 2)
        - (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)));
      const distance = WGS84_B * A * (sigma - deltaSigma);
      const bearing = Math.atan2(cosU2 * sinLambda, cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) / RAD;
      return { distance, bearing: (bearing + 360) % 360 };
    }
  }
  return { distance: haversine(lat1, lon1, lat2, lon2), bearing: sphericalBearing(lat1, lon1, lat2, lon2) };
}

/** Geodesic (WGS 84) distance in metres, as the server measures it (rallies/geo.py). */
export function distanceM(lat1, lon1, lat2, lon2) {
  return inverse(lat1, lon1, lat2, lon2).distance;
}

/** Initial geodesic bearing from the first point to the second, degrees clockwise from north. */
export function bearingDeg(lat1, lon1, lat2, lon2) {
  return inverse(lat1, lon1, lat2, lon2).bearing;
}

/** The server's rule: a poor fix never unlocks a far station. */
export function isInside(distance, accuracy, radius) {
  return distance - Math.min(accuracy, 50, radius / 2) <= radius;
}

export function formatDistance(metres) {
  if (metres >= 1000) return t("unit.km", { value: formatNumber(metres / 1000, { maximumFractionDigits: 1 }) });
  return t("unit.m", { value: formatNumber(Math.round(metres), { maximumFractionDigits: 0 }) });
}

let latest = null; // the newest fix any watch has seen, with the time it arrived
const FRESH_MS = 10000;

/** One position fix as `{lat, lon, accuracy_m}`: a watch's fix of the last seconds, else a new one. */
export function currentPosition({ timeout = 15000 } = {}) {
  if (latest && Date.now() - latest.at < FRESH_MS) {
    const { at, ...fix } = latest;
    return Promise.resolve(fix);
  }
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject(new Error(t("geo.unsupported")));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({ lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy_m: pos.coords.accuracy || 0 }),
      (error) => reject(new Error(error.code === 1 ? t("geo.denied") : t("geo.unavailable"))),
      { enableHighAccuracy: true, timeout, maximumAge: 5000 },
    );
  });
}

/** Follow the position; returns a function that stops watching. */
export function watchPosition(onFix, onError = () => {}) {
  if (!("geolocation" in navigator)) {
    onError(new Error(t("geo.unsupported")));
    return () => {};
  }
  const id = navigator.geolocation.watchPosition(
    (pos) => {
      const fix = { lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy_m: pos.coords.accuracy || 0 };
      latest = { ...fix, at: Date.now() };
      onFix(fix);
    },
    (error) => onError(new Error(error.code === 1 ? t("geo.denied") : t("geo.unavailable"))),
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 },
  );
  return () => navigator.geolocation.clearWatch(id);
}
