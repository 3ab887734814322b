/**
 * A body's colour by its average rating: red at 1 star through amber to green at 5, and a
 * neutral slate for an agent nobody has rated yet. Shared by the 3D scene and its list.
 */
export const UNRATED_COLOR = "#94a3b8";

export function ratingColor(rating: number | null): string {
  if (rating === null || !Number.isFinite(rating)) return UNRATED_COLOR;
  const t = Math.min(1, Math.max(0, (rating - 1) / 4));
  // Hue 0 (red) to 130 (green), fixed saturation and lightness: readable on a dark sky.
  return hslToHex(t * 130, 0.75, 0.55);
}

function hslToHex(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const value = l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
