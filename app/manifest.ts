import type { MetadataRoute } from 'next';

/**
 * The web app manifest: Linli installs on a volunteer's home screen, so the check-off page opens
 * like an app and keeps working in a stairwell without signal (public/sw.js).
 */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: '邻里 Linli · 小区团购保供',
    short_name: '邻里',
    description: '小区团购保供：接龙、到货消杀、楼道送达 · Group buys for residential compounds',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    orientation: 'portrait',
    background_color: '#f9fafb',
    theme_color: '#b91c1c',
    lang: 'zh-CN',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  };
}
